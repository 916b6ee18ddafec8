package io.tensorpool.flink.source.testing;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.tensor.TensorLayoutRules;

import java.nio.file.Path;

/**
 * A producer side of one stream in real shared-memory regions (header ring + one pool, Wire §15.21a.3 layout),
 * written through the seqlock {@link SlotWriter}. The newest committed seq and the layout stand in for the descriptor
 * and announce streams. Payload bytes are a function of (stream, epoch, seq) so readers can verify every byte.
 */
public final class ShmTestStream implements AutoCloseable
{
    private final Path baseDir;
    private final int streamId;
    private final int nslots;
    private final int stride;
    private final FrameClaim claim = new FrameClaim();
    private final String host;

    private volatile StreamRegions regions;
    private volatile StreamLayout layout;
    private SlotWriter writer;
    private volatile long epoch;
    private volatile long head = -1;
    private long nextSeq;

    /**
     * @param baseDir  shm base directory.
     * @param host     the owning driver instance id reported by discovery.
     * @param streamId the stream id.
     * @param nslots   header ring slots (power of two).
     * @param stride   payload slot stride (power of two, multiple of 4096).
     */
    public ShmTestStream(final Path baseDir, final String host, final int streamId, final int nslots, final int stride)
    {
        this.baseDir = baseDir;
        this.host = host;
        this.streamId = streamId;
        this.nslots = nslots;
        this.stride = stride;
        openEpoch(1);
    }

    /**
     * Expected payload byte {@code i} of frame (stream, epoch, seq).
     */
    public static byte payloadByte(final int streamId, final long epoch, final long seq, final int i)
    {
        return (byte)(streamId * 31 + epoch * 13 + seq * 7 + i);
    }

    /**
     * Write and commit the next frame: a 1-d UINT8 tensor of {@code length} bytes (or a FLOAT32 tensor when the
     * length is a multiple of 4 and {@code floats} is set).
     *
     * @return the frame's seq.
     */
    public synchronized long write(final int length, final long timestampNs)
    {
        final long seq = nextSeq++;
        if (writer.claim(seq, length, claim) < 0)
        {
            throw new IllegalStateException("no pool fits " + length + " bytes");
        }
        final long e = epoch;
        for (int i = 0; i < length; i++)
        {
            claim.buffer().putByte(i, payloadByte(streamId, e, seq, i));
        }
        claim.dtype(Dtype.UINT8).majorOrder(MajorOrder.ROW).shape1d(length).timestampNs(timestampNs).metaVersion(1);
        final int status = claim.commit();
        if (status != TensorLayoutRules.OK)
        {
            throw new IllegalStateException("commit failed: " + status);
        }
        head = seq;
        return seq;
    }

    /**
     * Start writing a frame for {@code seq} without committing (the slot's commit word goes IN-PROGRESS), as a
     * producer overwriting a slot a reader is reading.
     */
    public synchronized void overwriteInProgress(final long seq)
    {
        writer.claim(seq, 1, claim);
        claim.abort();
    }

    /**
     * A producer restart: regions of the next epoch, seq back to 0.
     */
    public synchronized void restart()
    {
        final StreamRegions old = regions;
        openEpoch(epoch + 1);
        old.close();
    }

    private void openEpoch(final long newEpoch)
    {
        regions = StreamRegionFiles.create(baseDir, "test", "producer-" + streamId, streamId, newEpoch, nslots,
            new int[]{1}, new int[]{stride}, MappedRegion.PRIVATE_FILE_MODE, false, System.nanoTime());
        writer = new SlotWriter(regions);
        layout = StreamRegionFiles.layoutOf(regions, false);
        nextSeq = 0;
        head = -1;
        epoch = newEpoch;
    }

    public int streamId()
    {
        return streamId;
    }

    public String host()
    {
        return host;
    }

    public long epoch()
    {
        return epoch;
    }

    /** The newest committed seq of the current epoch, -1 if none. */
    public long head()
    {
        return head;
    }

    public StreamLayout layout()
    {
        return layout;
    }

    public Path baseDir()
    {
        return baseDir;
    }

    public int nslots()
    {
        return nslots;
    }

    @Override
    public synchronized void close()
    {
        regions.close();
    }
}
