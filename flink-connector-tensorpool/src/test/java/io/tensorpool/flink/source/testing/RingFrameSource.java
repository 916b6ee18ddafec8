package io.tensorpool.flink.source.testing;

import io.tensorpool.client.DataSourceMetadata;
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
 * when the producer moves to a new epoch. Stands in for the tensorpool client consumer where a test needs to control
 * the producer's seqlock directly.
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

    RingFrameSource(final ShmTestStream stream, final boolean startFromRing)
    {
        this.stream = stream;
        this.policy = new RegionPathPolicy(List.of(stream.baseDir()));
        map();
        nextSeq = startFromRing ? Math.max(0, stream.head() - regions.headerRing().nslots() + 1) : stream.head() + 1;
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
        nextSeq = 0; // a new epoch is delivered from its first frame, as a consumer replays the ring after a remap
    }

    @Override
    public int poll(final FrameCallback callback, final int limit)
    {
        if (stream.epoch() != epoch)
        {
            map();
        }
        int delivered = 0;
        int work = 0;
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
                if (view.stillCommitted())
                {
                    delivered++;
                }
                else
                {
                    dropsLate++;
                }
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
            work++;
        }
        return work;
    }

    @Override
    public long epoch()
    {
        return epoch;
    }

    @Override
    public DataSourceMetadata metadata(final long metaVersion)
    {
        return null;
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
