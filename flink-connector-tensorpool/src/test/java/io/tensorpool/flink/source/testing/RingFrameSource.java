package io.tensorpool.flink.source.testing;

import io.tensorpool.flink.source.FrameMetadata;
import io.tensorpool.flink.source.reader.FrameCallback;
import io.tensorpool.flink.source.reader.FrameSource;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;

import java.util.List;

/**
 * A test consumer over real mapped regions: follows the producer's newest seq (standing in for descriptors), reads
 * every slot through {@link SlotReader} (the seqlock path), counts frames it was lapped on as gap drops, and remaps
 * when the producer moves to a new epoch. Stands in for the tensorpool client consumer.
 */
final class RingFrameSource implements FrameSource
{
    private final ShmTestStream stream;
    private final RegionPathPolicy policy;
    private final FrameView view = new FrameView();
    private StreamRegions regions;
    private SlotReader reader;
    private long epoch;
    private long nextSeq;
    private long dropsGap;
    private long dropsLate;

    RingFrameSource(final ShmTestStream stream)
    {
        this.stream = stream;
        this.policy = new RegionPathPolicy(List.of(stream.baseDir()));
        map();
        nextSeq = stream.head() + 1;
    }

    private void map()
    {
        if (regions != null)
        {
            regions.close();
        }
        final StreamLayout layout = stream.layout();
        regions = StreamRegionFiles.map(layout, policy, false);
        reader = new SlotReader(regions);
        epoch = layout.epoch();
        nextSeq = 0;
    }

    @Override
    public int poll(final FrameCallback callback, final int limit)
    {
        if (stream.epoch() != epoch)
        {
            map();
        }
        int delivered = 0;
        while (delivered < limit)
        {
            final long head = stream.head();
            if (nextSeq > head)
            {
                break;
            }
            final long oldest = head - regions.headerRing().nslots() + 1;
            if (nextSeq < oldest)
            {
                dropsGap += oldest - nextSeq;
                nextSeq = oldest;
            }
            final int status = reader.begin(regions.headerRing().indexOf(nextSeq), nextSeq, view);
            if (status == SlotReader.OK)
            {
                callback.onFrame(view);
                delivered++;
            }
            else if (SlotReader.isLate(status))
            {
                dropsLate++;
            }
            else if (status == SlotReader.NOT_COMMITTED || status == SlotReader.STALE)
            {
                break;
            }
            else
            {
                dropsLate++;
            }
            nextSeq++;
        }
        return delivered;
    }

    @Override
    public int replay(final long afterSeq, final FrameCallback callback)
    {
        final long head = stream.head();
        long seq = Math.max(afterSeq + 1, head - regions.headerRing().nslots() + 1);
        int delivered = 0;
        for (; seq <= head; seq++)
        {
            if (reader.begin(regions.headerRing().indexOf(seq), seq, view) == SlotReader.OK)
            {
                callback.onFrame(view);
                delivered++;
            }
        }
        nextSeq = Math.max(nextSeq, head + 1);
        return delivered;
    }

    @Override
    public long epoch()
    {
        return epoch;
    }

    @Override
    public FrameMetadata metadata(final long metaVersion)
    {
        return FrameMetadata.EMPTY;
    }

    @Override
    public long dropsGap()
    {
        return dropsGap;
    }

    @Override
    public long dropsLate()
    {
        return dropsLate;
    }

    @Override
    public long latestSeq()
    {
        return stream.head();
    }

    @Override
    public void close()
    {
        if (regions != null)
        {
            regions.close();
            regions = null;
        }
    }
}
