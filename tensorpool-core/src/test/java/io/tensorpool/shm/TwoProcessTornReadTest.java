package io.tensorpool.shm;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wire §15.13 "commit-word stability under overwrite at load: no torn reads", across two processes. A child JVM
 * ({@link TornReadProducerMain}) overwrites a 4-slot ring as fast as it can with frames that carry a checksum of
 * themselves; this process reads committed slots through {@link SlotReader}, copies the payload, confirms it with the
 * second commit check, and verifies the checksum of every frame it accepted. Zero torn frames may be accepted; some
 * frames must be accepted and some dropped late, or the test proved nothing.
 */
class TwoProcessTornReadTest
{
    /** Read for at least this long... */
    private static final long MIN_READ_NS = TimeUnit.SECONDS.toNanos(3);
    /** ...and on a starved machine keep going until both accepted frames and late drops were seen, up to this. */
    private static final long MAX_READ_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long CHILD_MAX_MS = 120_000;
    private static final List<String> REQUIRED_FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED");

    @TempDir
    Path dir;

    @Test
    void noTornFrameIsEverAccepted() throws Exception
    {
        final Process child = startProducer();
        try
        {
            awaitReady(child);
            final RegionPathPolicy policy = RegionPathPolicy.of(dir);
            try (StreamRegions regions = new StreamRegions(
                MappedRegion.map(RegionUri.format(dir.resolve("header.ring").toString(), false),
                    RegionSpec.headerRing(TornReadProducerMain.STREAM_ID, TornReadProducerMain.EPOCH,
                        TornReadProducerMain.NSLOTS), policy, false),
                List.of(MappedRegion.map(RegionUri.format(dir.resolve("payload-1.pool").toString(), false),
                    RegionSpec.payloadPool(TornReadProducerMain.STREAM_ID, TornReadProducerMain.EPOCH, 1,
                        TornReadProducerMain.NSLOTS, TornReadProducerMain.STRIDE), policy, false))))
            {
                final Counts counts = readUnderOverwrite(new SlotReader(regions), child);
                System.out.println("torn-read run: " + counts);
                assertEquals(0, counts.tornAccepted, "torn frames accepted: " + counts);
                assertEquals(0, counts.invalid, "frames failing validation from a valid producer: " + counts);
                assertTrue(counts.accepted > 0, "no frame accepted, the test proved nothing: " + counts);
                assertTrue(counts.lateInBegin + counts.lateAfterPayload > 0, "no late drop seen: " + counts);
                assertTrue(child.isAlive(), "the producer must have been writing all along");
            }
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
    }

    private static final class Counts
    {
        long attempts;
        long accepted;
        long tornAccepted;
        long lateInBegin;
        long lateAfterPayload;
        long invalid;
        long uncommitted;
        String firstInvalid;

        @Override
        public String toString()
        {
            return "attempts=" + attempts + " accepted=" + accepted + " tornAccepted=" + tornAccepted +
                " lateInBegin=" + lateInBegin + " lateAfterPayload=" + lateAfterPayload + " uncommitted=" +
                uncommitted + " invalid=" + invalid + (firstInvalid == null ? "" : " (" + firstInvalid + ")");
        }
    }

    private static Counts readUnderOverwrite(final SlotReader reader, final Process child)
    {
        final Counts counts = new Counts();
        final FrameView view = new FrameView();
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[TornReadProducerMain.STRIDE]);
        final long start = System.nanoTime();
        int index = 0;
        while (child.isAlive())
        {
            final long elapsed = System.nanoTime() - start;
            if (elapsed > MAX_READ_NS ||
                (elapsed > MIN_READ_NS && counts.accepted > 0 && counts.lateInBegin + counts.lateAfterPayload > 0))
            {
                break;
            }
            index = (index + 1) & (TornReadProducerMain.NSLOTS - 1);
            final long seq = reader.committedSequenceAt(index);
            if (seq < 0)
            {
                counts.uncommitted++;
                continue;
            }
            counts.attempts++;
            final int status = reader.begin(index, seq, view);
            if (status == SlotReader.OK)
            {
                if (view.copyPayloadTo(copy, 0))
                {
                    counts.accepted++;
                    if (!ChecksummedFrames.verify(copy, view.seq(), view.valuesLength()))
                    {
                        counts.tornAccepted++;
                    }
                }
                else
                {
                    counts.lateAfterPayload++;
                }
            }
            else if (SlotReader.isLate(status))
            {
                counts.lateInBegin++;
            }
            else
            {
                counts.invalid++;
                if (counts.firstInvalid == null)
                {
                    counts.firstInvalid = SlotReader.describe(status) + " reason=" + reader.lastLayoutReason();
                }
            }
        }
        return counts;
    }

    private Process startProducer() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final List<String> inherited = new ArrayList<>();
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens"))
            {
                inherited.add(arg);
            }
        }
        command.addAll(inherited);
        for (final String flag : REQUIRED_FLAGS)
        {
            if (!inherited.contains(flag))
            {
                command.add(flag);
            }
        }
        command.add("-Xmx64m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TornReadProducerMain.class.getName());
        command.add(dir.toString());
        command.add(Long.toString(CHILD_MAX_MS));
        return new ProcessBuilder(command)
            .redirectError(Files.createFile(dir.resolve("producer.err")).toFile())
            .start();
    }

    private void awaitReady(final Process child) throws Exception
    {
        final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16);
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    lines.offer(line);
                }
            }
            catch (final Exception ignore)
            {
                // child gone
            }
            lines.offer("EOF");
        }, "producer-stdout");
        pump.setDaemon(true);
        pump.start();
        final String first = lines.poll(60, TimeUnit.SECONDS);
        if (!"READY".equals(first))
        {
            fail("producer did not start (" + first + "): " + Files.readString(dir.resolve("producer.err")));
        }
    }
}
