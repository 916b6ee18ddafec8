package io.tensorpool.hardening;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamRegions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static io.tensorpool.hardening.CommitStepProducerMain.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault injection on the commit protocol (Wire §8.3): a producer in a child JVM is SIGKILLed at each step of writing
 * a frame into a slot that still holds an older committed frame. A consumer must never accept the torn new frame nor
 * the stale old one under the new sequence; only a frame whose COMMITTED store happened is delivered, byte-exact.
 */
class ProducerKilledMidCommitTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"in-progress", "payload", "header", "committed"})
    void consumerNeverAcceptsATornOrStaleFrame(final String step) throws Exception
    {
        try (StreamRegions regions = HardeningStreams.create(dir, STREAM_ID, EPOCH, NSLOTS, STRIDE))
        {
            // the slot the child will reuse holds an older committed frame (seq - NSLOTS)
            final long oldSeq = 2;
            final long newSeq = oldSeq + NSLOTS;
            final SlotWriter writer = new SlotWriter(regions);
            final FrameClaim claim = new FrameClaim();
            final int index = writer.claim(oldSeq, LENGTH, claim);
            for (int i = 0; i < LENGTH; i++)
            {
                claim.buffer().putByte(i, (byte)0xEE);
            }
            assertEquals(0, claim.dtype(Dtype.UINT8).shape1d(LENGTH).commit());

            final SlotReader reader = new SlotReader(regions);
            final FrameView view = new FrameView();
            assertEquals(SlotReader.OK, reader.begin(index, oldSeq, view), "old frame readable before the crash");

            final int exit;
            try (ChildJvm child = ChildJvm.start(CommitStepProducerMain.class, dir.toString(), step,
                Long.toString(newSeq)))
            {
                assertNotNull(child.awaitLine("STEP " + step), "child never reached step " + step);
                exit = child.kill();
            }
            assertEquals(137, exit, "SIGKILL exit status");

            final int statusNew = reader.begin(index, newSeq, view);
            final int statusOld = reader.begin(index, oldSeq, new FrameView());
            if ("committed".equals(step))
            {
                assertEquals(SlotReader.OK, reader.begin(index, newSeq, view));
                for (int i = 0; i < LENGTH; i++)
                {
                    assertEquals(payloadByte(newSeq, i), view.payload().getByte(i), "payload byte " + i);
                }
                assertTrue(view.stillCommitted());
                assertEquals(SlotReader.OVERWRITTEN, statusOld, "the old frame is gone, reported late");
            }
            else
            {
                assertEquals(SlotReader.NOT_COMMITTED, statusNew, "torn frame at step " + step + ": " +
                    SlotReader.describe(statusNew));
                assertFalse(view.stillCommitted());
                assertEquals(0, view.payload().capacity());
                assertEquals(SlotReader.NOT_COMMITTED, statusOld, "stale old frame at step " + step + ": " +
                    SlotReader.describe(statusOld));
                assertTrue(SlotReader.isLate(statusNew), "counted as drops_late");
            }

            // a restarted producer (same process here) reclaims the slot and commits cleanly
            final long nextSeq = newSeq + NSLOTS;
            assertEquals(index, writer.claim(nextSeq, LENGTH, claim));
            assertEquals(0, claim.dtype(Dtype.UINT8).shape1d(LENGTH).commit());
            assertEquals(SlotReader.OK, reader.begin(index, nextSeq, view));
        }
    }
}
