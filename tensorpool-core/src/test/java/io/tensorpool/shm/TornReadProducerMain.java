package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.tensor.TensorLayoutRules;

import java.nio.file.Path;
import java.util.List;

/**
 * The producer process of {@link TwoProcessTornReadTest}: creates a small stream in the given directory, prints
 * {@code READY}, then overwrites the ring as fast as it can with checksummed frames. It exits when its standard input
 * closes (the test process died or finished) or after a hard time limit, whichever comes first.
 */
public final class TornReadProducerMain
{
    static final int STREAM_ID = 77;
    static final long EPOCH = 5;
    static final int NSLOTS = 4;
    static final int STRIDE = 4096;

    private TornReadProducerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final long maxRunNs = Long.parseLong(args[1]) * 1_000_000L;
        final Thread stdinWatch = new Thread(() ->
        {
            try
            {
                while (System.in.read() >= 0)
                {
                    // the parent never writes; EOF means it is gone
                }
            }
            catch (final Exception ignore)
            {
                // treat as EOF
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        final long pid = ProcessHandle.current().pid();
        final long now = System.nanoTime();
        final StreamRegions regions = new StreamRegions(
            MappedRegion.create(dir.resolve("header.ring"), RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS),
                MappedRegion.PRIVATE_FILE_MODE, true, pid, now),
            List.of(MappedRegion.create(dir.resolve("payload-1.pool"),
                RegionSpec.payloadPool(STREAM_ID, EPOCH, 1, NSLOTS, STRIDE), MappedRegion.PRIVATE_FILE_MODE, true, pid,
                now)));
        final SlotWriter writer = new SlotWriter(regions);
        final FrameClaim claim = new FrameClaim();
        System.out.println("READY");
        System.out.flush();

        final long deadline = System.nanoTime() + maxRunNs;
        long seq = 0;
        while (true)
        {
            final int length = ChecksummedFrames.lengthFor(seq, STRIDE);
            if (writer.claim(seq, length, claim) < 0)
            {
                throw new IllegalStateException("claim failed at seq=" + seq);
            }
            ChecksummedFrames.fill(claim.buffer(), seq, length);
            claim.dtype(Dtype.UINT8).shape1d(length);
            if (claim.commit() != TensorLayoutRules.OK)
            {
                throw new IllegalStateException("commit failed at seq=" + seq);
            }
            seq++;
            if ((seq & 0x3FF) == 0 && System.nanoTime() - deadline > 0)
            {
                System.exit(0);
            }
        }
    }
}
