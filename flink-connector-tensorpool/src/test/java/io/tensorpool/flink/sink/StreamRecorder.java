package io.tensorpool.flink.sink;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test consumer reading the fake driver's streams from its own read-only mapping of the shared memory, in seq order
 * per epoch, following every epoch in turn (what a real consumer does on a new announce). Copies each frame out with
 * the seqlock check; frames it was too late for are counted, not returned.
 */
final class StreamRecorder implements AutoCloseable
{
    /** One frame as a consumer saw it. */
    static final class Frame
    {
        final int streamId;
        final long epoch;
        final long seq;
        final Dtype dtype;
        final int[] dims;
        final byte[] payload;
        MajorOrder majorOrder;
        long timestampNs;
        long[] strides;

        Frame(final int streamId, final long epoch, final long seq, final Dtype dtype, final int[] dims,
            final byte[] payload)
        {
            this.streamId = streamId;
            this.epoch = epoch;
            this.seq = seq;
            this.dtype = dtype;
            this.dims = dims;
            this.payload = payload;
        }

        @Override
        public String toString()
        {
            return "Frame{stream=" + streamId + " epoch=" + epoch + " seq=" + seq + " dtype=" + dtype + " dims=" +
                Arrays.toString(dims) + " bytes=" + payload.length + "}";
        }
    }

    private final InProcessStreams streams;
    private final RegionPathPolicy policy;
    private final Map<Integer, Cursor> cursors = new ConcurrentHashMap<>();
    private final List<Frame> frames = new ArrayList<>();
    private final FrameView view = new FrameView();
    private long late;

    private static final class Cursor
    {
        int epochIndex;
        long nextSeq;
        StreamRegions regions;
        SlotReader reader;
    }

    StreamRecorder(final InProcessStreams streams)
    {
        this.streams = streams;
        this.policy = RegionPathPolicy.of(streams.baseDir);
    }

    /** Read whatever has been committed on {@code streamIds} since the last poll. */
    synchronized int poll(final int... streamIds)
    {
        int read = 0;
        for (final int streamId : streamIds)
        {
            read += pollStream(streamId);
        }
        return read;
    }

    synchronized List<Frame> frames()
    {
        return new ArrayList<>(frames);
    }

    synchronized long late()
    {
        return late;
    }

    private int pollStream(final int streamId)
    {
        final List<InProcessStreams.EpochRecord> epochs = streams.epochs(streamId);
        final Cursor cursor = cursors.computeIfAbsent(streamId, k -> new Cursor());
        int read = 0;
        while (cursor.epochIndex < epochs.size())
        {
            final InProcessStreams.EpochRecord record = epochs.get(cursor.epochIndex);
            if (null == cursor.regions)
            {
                cursor.regions = StreamRegionFiles.map(record.layout, policy, false);
                cursor.reader = new SlotReader(cursor.regions);
                cursor.nextSeq = 0;
            }
            final boolean closedBefore = record.closed;
            final long last = record.lastCommittedSeq;
            while (cursor.nextSeq <= last)
            {
                final long seq = cursor.nextSeq++;
                final int status = cursor.reader.begin(cursor.regions.headerRing().indexOf(seq), seq, view);
                if (status != SlotReader.OK)
                {
                    late++;
                    continue;
                }
                final byte[] payload = new byte[view.valuesLength()];
                view.payload().getBytes(0, payload);
                final int[] dims = new int[view.ndims()];
                for (int i = 0; i < dims.length; i++)
                {
                    dims[i] = view.dim(i);
                }
                final Dtype dtype = view.dtype();
                final long[] strides = new long[dims.length];
                for (int i = 0; i < dims.length; i++)
                {
                    strides[i] = view.stride(i);
                }
                final Frame frame = new Frame(streamId, view.epoch(), seq, dtype, dims, payload);
                frame.majorOrder = view.majorOrder();
                frame.timestampNs = view.timestampNs();
                frame.strides = strides;
                if (!view.stillCommitted())
                {
                    late++;
                    continue;
                }
                frames.add(frame);
                read++;
            }
            if (closedBefore && cursor.epochIndex + 1 < epochs.size())
            {
                // the epoch is finished and a newer one exists: remap like a consumer on a new announce
                cursor.regions.close();
                cursor.regions = null;
                cursor.epochIndex++;
            }
            else
            {
                break;
            }
        }
        return read;
    }

    @Override
    public synchronized void close()
    {
        for (final Cursor cursor : cursors.values())
        {
            if (null != cursor.regions)
            {
                cursor.regions.close();
            }
        }
    }
}
