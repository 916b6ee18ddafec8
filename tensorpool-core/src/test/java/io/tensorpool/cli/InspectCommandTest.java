package io.tensorpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.tensor.TensorLayoutRules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

class InspectCommandTest
{
    private static final int STREAM = 10000;
    private static final long EPOCH = 3;
    private static final long PID = 4242;
    private static final long CREATED_NS = 1_000_000L;

    @TempDir
    Path dir;
    Path ring;
    Path pool;

    /**
     * A stream of 8 slots written by SlotWriter: seq 0 and 1 committed and valid, seq 2 claimed but never committed,
     * seq 3 committed then given a non-zero payload_offset, seq 4 committed then given a negative dim; slots 5-7 empty.
     */
    @BeforeEach
    void writeStream()
    {
        ring = dir.resolve("header.ring");
        pool = dir.resolve("payload-1.pool");
        try (MappedRegion ringRegion = MappedRegion.create(ring, RegionSpec.headerRing(STREAM, EPOCH, 8),
                MappedRegion.PRIVATE_FILE_MODE, false, PID, CREATED_NS);
            MappedRegion poolRegion = MappedRegion.create(pool, RegionSpec.payloadPool(STREAM, EPOCH, 1, 8, 4096),
                MappedRegion.PRIVATE_FILE_MODE, false, PID, CREATED_NS);
            StreamRegions regions = new StreamRegions(ringRegion, List.of(poolRegion)))
        {
            final SlotWriter writer = new SlotWriter(regions);
            final FrameClaim claim = new FrameClaim();

            writeCounter(writer, claim, 0, 6);
            claim.dtype(Dtype.UINT8).shape(new int[]{2, 3}, 2).timestampNs(111).metaVersion(0);
            assertEquals(TensorLayoutRules.OK, claim.commit());

            writeCounter(writer, claim, 1, 16);
            claim.dtype(Dtype.FLOAT32).majorOrder(MajorOrder.COLUMN).shape(new int[]{2, 2}, 2)
                .progress(ProgressUnit.COLUMNS, 8).timestampNs(222).metaVersion(7);
            assertEquals(TensorLayoutRules.OK, claim.commit());

            writeCounter(writer, claim, 2, 4);
            claim.abort();

            writeCounter(writer, claim, 3, 4);
            claim.dtype(Dtype.UINT8).majorOrder(MajorOrder.ROW).shape1d(4).progress(ProgressUnit.NONE, 0)
                .timestampNs(333);
            assertEquals(TensorLayoutRules.OK, claim.commit());
            ringRegion.buffer().putInt(slot(3) + ShmLayout.SLOT_PAYLOAD_OFFSET_OFFSET, 64);

            writeCounter(writer, claim, 4, 4);
            claim.dtype(Dtype.UINT8).shape1d(4).timestampNs(444);
            assertEquals(TensorLayoutRules.OK, claim.commit());
            ringRegion.buffer().putInt(slot(4) + ShmLayout.SLOT_TENSOR_HEADER_OFFSET + ShmLayout.TH_DIMS_OFFSET, -4);
        }
    }

    @Test
    void jsonMatchesGoldenReportForRingAndPool() throws IOException
    {
        final CliRun run = CliRun.run("inspect", "--json", ring.toString(), pool.toString());
        assertEquals(0, run.exitCode, run::toString);
        assertEquals("", run.err);
        final ObjectMapper mapper = new ObjectMapper();
        final JsonNode expected = mapper.readTree(golden("inspect-golden.json").replace("@DIR@", realDir()));
        assertEquals(expected, mapper.readTree(run.out), run.out);
    }

    @Test
    void payloadCrc32IsTheCrcOfThePayloadBytes() throws IOException
    {
        final JsonNode report = new ObjectMapper().readTree(CliRun.run("inspect", "--json", dir.toString()).out);
        final JsonNode slots = report.get("regions").get(0).get("slots");
        assertEquals(counterCrc(0, 6), slots.get(0).get("payloadCrc32").asLong());
        assertEquals(counterCrc(1, 16), slots.get(1).get("payloadCrc32").asLong());
    }

    @Test
    void withoutPoolFilesSlotsAreCheckedHeaderOnlyAndHaveNoCrc() throws IOException
    {
        final CliRun run = CliRun.run("inspect", "--json", ring.toString());
        assertEquals(0, run.exitCode, run::toString);
        final JsonNode slots = new ObjectMapper().readTree(run.out).get("regions").get(0).get("slots");
        assertEquals(5, slots.size());
        assertTrue(slots.get(0).get("valid").asBoolean());
        assertFalse(slots.get(0).has("payloadCrc32"));
        assertEquals("payload_offset not 0", slots.get(3).get("invalidReason").asText());
        assertEquals("tensor layout invalid: negative dim", slots.get(4).get("invalidReason").asText());
    }

    @Test
    void textOutputShowsEachSlotVerdict()
    {
        final CliRun run = CliRun.run("inspect", ring.toString(), pool.toString());
        assertEquals(0, run.exitCode, run::toString);
        assertTrue(run.out.contains("regionType=HEADER_RING"), run.out);
        assertTrue(run.out.contains("5 of 8 slots non-empty; payload pools given: [1]"), run.out);
        assertTrue(run.out.contains("slot 0: seq=0 committed valid payloadCrc32=0x" +
            String.format("%08x", counterCrc(0, 6))), run.out);
        assertTrue(run.out.contains("slot 2: seq=2 in-progress INVALID (slot not committed)"), run.out);
        assertTrue(run.out.contains("slot 3: seq=3 committed INVALID (payload_offset not 0)"), run.out);
        assertTrue(run.out.contains("dtype=FLOAT32 majorOrder=COLUMN ndims=2"), run.out);
    }

    @Test
    void garbageAndMissingFilesFailWithOneLineAndStatusOne() throws IOException
    {
        final Path random = dir.resolve("random.bin");
        final byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        Files.write(random, noise);
        final Path empty = Files.createFile(dir.resolve("empty.ring"));
        final Path truncated = dir.resolve("truncated.ring");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(ring), 64 + 256));
        final Path emptyDir = Files.createDirectory(dir.resolve("nothing-here"));

        assertFails("not a region file: " + random + " has magic 0x", random.toString());
        assertFails("not a region file: " + empty + " is 0 bytes", empty.toString());
        assertFails("invalid region file " + truncated + ": region file", truncated.toString());
        assertFails("no such file: " + dir.resolve("missing"), dir.resolve("missing").toString());
        assertFails("not a regular file: /dev/null", "/dev/null");
        assertFails("no header.ring or payload-*.pool files in directory", emptyDir.toString());
        assertFails("not a region file: " + random, ring.toString(), random.toString());
    }

    @Test
    void corruptSuperblockFieldIsNamed() throws IOException
    {
        final byte[] bytes = Files.readAllBytes(ring);
        bytes[ShmLayout.SB_NSLOTS_OFFSET] = 6;
        final Path bad = dir.resolve("bad-nslots.ring");
        Files.write(bad, bytes);
        assertFails("nslots must be a power of two, was 6", bad.toString());

        final byte[] badSlotBytes = Files.readAllBytes(ring);
        badSlotBytes[ShmLayout.SB_SLOT_BYTES_OFFSET] = 0x40;
        badSlotBytes[ShmLayout.SB_SLOT_BYTES_OFFSET + 1] = 0;
        final Path bad2 = dir.resolve("bad-slot-bytes.ring");
        Files.write(bad2, badSlotBytes);
        assertFails("superblock slot_bytes 64 does not match expected 256", bad2.toString());
    }

    @Test
    void badArgumentsExitWithStatusTwo()
    {
        final CliRun none = CliRun.run("inspect");
        assertEquals(2, none.exitCode);
        assertEquals("tensorpool inspect: Missing required parameter: 'FILE' (see 'tensorpool inspect --help')\n",
            none.err);
        final CliRun unknown = CliRun.run("inspect", "--frobnicate", ring.toString());
        assertEquals(2, unknown.exitCode);
        assertTrue(unknown.err.startsWith("tensorpool inspect: Unknown option: '--frobnicate'"), unknown.err);
        assertEquals(2, CliRun.run().exitCode);
        assertEquals(2, CliRun.run("no-such-command").exitCode);
    }

    @Test
    void helpOnEveryCommandExitsZero()
    {
        final CliRun top = CliRun.run("--help");
        assertEquals(0, top.exitCode);
        assertTrue(top.out.startsWith("Usage: tensorpool"), top.out);
        for (final String command : top.out.lines().filter(l -> l.matches("^  [a-z]+ .*")).map(l -> l.trim()
            .split(" ")[0]).filter(c -> !c.equals("help")).toList())
        {
            final CliRun help = CliRun.run(command, "--help");
            assertEquals(0, help.exitCode, command + ": " + help);
            assertTrue(help.out.startsWith("Usage: tensorpool " + command), help.out);
        }
    }

    @Test
    void verboseAddsTheStackTrace()
    {
        final CliRun quiet = CliRun.run("inspect", "/dev/null");
        assertEquals(1, quiet.err.lines().count(), quiet.err);
        final CliRun verbose = CliRun.run("inspect", "--verbose", "/dev/null");
        assertTrue(verbose.err.contains("at io.tensorpool.cli.RegionInspector"), verbose.err);
    }

    private void assertFails(final String expected, final String... files)
    {
        final String[] args = new String[files.length + 1];
        args[0] = "inspect";
        System.arraycopy(files, 0, args, 1, files.length);
        final CliRun run = CliRun.run(args);
        assertEquals(1, run.exitCode, run::toString);
        assertEquals("", run.out);
        assertEquals(1, run.err.lines().count(), run.err);
        assertTrue(run.err.startsWith("tensorpool inspect: "), run.err);
        assertTrue(run.err.contains(expected), run.err);
    }

    private static void writeCounter(final SlotWriter writer, final FrameClaim claim, final long seq, final int length)
    {
        assertTrue(writer.claim(seq, length, claim) >= 0);
        for (int i = 0; i < length; i++)
        {
            claim.buffer().putByte(i, (byte)((seq + i) & 0xFF));
        }
    }

    private static long counterCrc(final long seq, final int length)
    {
        final CRC32 crc = new CRC32();
        for (int i = 0; i < length; i++)
        {
            crc.update((int)((seq + i) & 0xFF));
        }
        return crc.getValue();
    }

    private static int slot(final int index)
    {
        return (int)ShmLayout.headerSlotOffset(index);
    }

    private String realDir() throws IOException
    {
        return dir.toRealPath().toString();
    }

    private static String golden(final String name) throws IOException
    {
        try (InputStream in = InspectCommandTest.class.getResourceAsStream(name))
        {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
