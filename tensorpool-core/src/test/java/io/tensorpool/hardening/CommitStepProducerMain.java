package io.tensorpool.hardening;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.SeqCommit;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamRegions;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.List;

/**
 * Child producer for {@link ProducerKilledMidCommitTest}: maps the stream the test created, writes frame
 * {@code seq} up to one step of the commit protocol (Wire §8.3), prints {@code STEP <name>} and blocks until it is
 * SIGKILLed. Steps: {@code in-progress} (IN-PROGRESS stored), {@code payload} (payload written), {@code header} (every
 * header field written, commit word still IN-PROGRESS), {@code committed} (COMMITTED stored).
 */
public final class CommitStepProducerMain
{
    static final int STREAM_ID = 4242;
    static final long EPOCH = 3;
    static final int NSLOTS = 4;
    static final int STRIDE = 4096;
    static final int LENGTH = 1000;

    private CommitStepProducerMain()
    {
    }

    /** Payload byte {@code i} of frame {@code seq}. */
    static byte payloadByte(final long seq, final int i)
    {
        return (byte)(seq * 7 + i);
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final String step = args[1];
        final long seq = Long.parseLong(args[2]);
        final RegionPathPolicy policy = RegionPathPolicy.of(dir);
        final StreamRegions regions = new StreamRegions(
            MappedRegion.map(RegionUri.format(dir.resolve("header.ring").toString(), false),
                RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS), policy, true),
            List.of(MappedRegion.map(RegionUri.format(dir.resolve("1.pool").toString(), false),
                RegionSpec.payloadPool(STREAM_ID, EPOCH, 1, NSLOTS, STRIDE), policy, true)));
        final SlotWriter writer = new SlotWriter(regions);
        final FrameClaim claim = new FrameClaim();
        final int index = writer.claim(seq, LENGTH, claim);
        if ("in-progress".equals(step))
        {
            reached(step);
        }
        for (int i = 0; i < LENGTH; i++)
        {
            claim.buffer().putByte(i, payloadByte(seq, i));
        }
        if ("payload".equals(step))
        {
            reached(step);
        }
        claim.dtype(Dtype.UINT8).shape1d(LENGTH);
        if ("header".equals(step))
        {
            // The public API writes the header and the COMMITTED store in one call, so stage the state a producer
            // killed between them leaves: commit, then put the commit word back to IN-PROGRESS (both are plain
            // stores by this single writer; no reader can tell the difference).
            claim.commit();
            final UnsafeBuffer ring = regions.headerRing().buffer();
            ring.putLongRelease(regions.headerRing().slotOffset(index) + ShmLayout.SLOT_SEQ_COMMIT_OFFSET,
                SeqCommit.inProgress(seq));
            reached(step);
        }
        final int status = claim.commit();
        if (status != 0)
        {
            throw new IllegalStateException("commit failed: " + status);
        }
        reached("committed");
    }

    private static void reached(final String step) throws InterruptedException
    {
        System.out.println("STEP " + step);
        System.out.flush();
        // wait for SIGKILL: no shutdown hook, no cleanup, like a crash
        Thread.sleep(Long.MAX_VALUE);
    }
}
