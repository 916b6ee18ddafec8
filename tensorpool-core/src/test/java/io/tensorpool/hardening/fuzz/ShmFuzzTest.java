package io.tensorpool.hardening.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorpool.hardening.HardeningStreams;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.PayloadPool;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.shm.Superblock;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.CloseHelper;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the SHM validators a consumer runs on bytes another process controls:
 * <ul>
 * <li>{@link #slotReader}: a header slot (SlotHeader + embedded TensorHeader, Wire §8) whose 256 bytes come from the
 * fuzzer, read with {@link SlotReader#begin}. Property: a status code, never an exception; an {@code OK} frame passes
 * the tensor layout rules again, fits its pool stride and is confirmed committed; any other status leaves an empty,
 * unconfirmable view.</li>
 * <li>{@link #regionMap}: a region file whose bytes come from the fuzzer, mapped with {@link MappedRegion#map}
 * (size and superblock validation, Wire §7.1, §15.1). Property: mapped only if every superblock field matches, else a
 * {@link ShmValidationException}.</li>
 * <li>{@link #regionUri}: the URI parser plus the path policy (containment, file type) on whatever path it accepts.
 * The URI's path is resolved below a base directory holding a region file, a symlink out of the base dir, a symlink inside
 * and a FIFO. Property: only {@link ShmValidationException}; an accepted path resolves to a regular file inside the
 * base dir.</li>
 * </ul>
 */
class ShmFuzzTest
{
    static final int STREAM_ID = 77;
    static final long EPOCH = 5;
    static final int NSLOTS = 4;
    /** Pool ids and strides of the fuzzed stream; seeds use them too. */
    static final int[] POOL_IDS = {1, 2};
    static final int[] STRIDES = {4096, 65536};

    private static Path dir;
    private static StreamRegions regions;
    private static SlotReader reader;
    private static final FrameView VIEW = new FrameView();
    private static RegionPathPolicy policy;
    private static Path regionFile;
    private static String base;

    @BeforeAll
    static void start() throws IOException
    {
        dir = Files.createDirectories(Path.of("/dev/shm", "tp-fuzz-shm-" + UUID.randomUUID()));
        regions = createStream(dir.resolve("stream"));
        reader = new SlotReader(regions);
        final Path baseDir = Files.createDirectories(dir.resolve("base"));
        Files.createDirectories(baseDir.resolve("a"));
        Files.write(baseDir.resolve("a/region"), new byte[64]);
        // a link out of the base dir, to a directory of our own: never link test fixtures to system directories
        final Path outside = Files.createDirectories(dir.resolve("outside-base"));
        Files.write(outside.resolve("secret"), new byte[64]);
        Files.createSymbolicLink(baseDir.resolve("escape"), outside);
        Files.createSymbolicLink(baseDir.resolve("inside"), baseDir.resolve("a/region"));
        try
        {
            new ProcessBuilder("mkfifo", baseDir.resolve("fifo").toString()).start().waitFor();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        policy = RegionPathPolicy.of(baseDir);
        base = baseDir.toString();
        regionFile = dir.resolve("fuzzed.region");
    }

    @AfterAll
    static void stop()
    {
        CloseHelper.quietClose(regions);
        // never IoUtil.delete: File.isDirectory follows the "escape" link and would empty its target
        StreamRegionFiles.deleteRecursively(dir);
    }

    /** A stream with {@link #NSLOTS} slots and pools {@link #POOL_IDS}/{@link #STRIDES} under {@code streamDir}. */
    static StreamRegions createStream(final Path streamDir) throws IOException
    {
        return HardeningStreams.create(streamDir, STREAM_ID, EPOCH, NSLOTS, STRIDES);
    }

    /**
     * Input: byte 0 = control (bit 0: expect the sequence the slot claims, else expect sequence 1; bits 1-3: header
     * index 0..7, so 4..7 are out of range), bytes 1..256 = the slot's bytes (zero-padded).
     */
    @FuzzTest(maxDuration = "60s")
    void slotReader(final byte[] data)
    {
        final int control = data.length > 0 ? data[0] & 0xFF : 0;
        final int headerIndex = (control >> 1) & 7;
        final UnsafeBuffer ring = regions.headerRing().buffer();
        final int slot = regions.headerRing().slotOffset(headerIndex & (NSLOTS - 1));
        ring.setMemory(slot, ShmLayout.HEADER_SLOT_BYTES, (byte)0);
        ring.putBytes(slot, data, Math.min(1, data.length), Math.max(0, Math.min(data.length - 1,
            ShmLayout.HEADER_SLOT_BYTES)));
        final long expectedSeq = (control & 1) != 0 ? ring.getLong(slot) >>> 1 : 1;

        final int status = reader.begin(headerIndex, expectedSeq, VIEW);

        assertTrue(status >= SlotReader.OK && status <= SlotReader.BAD_TENSOR_LAYOUT, "status " + status);
        if (status != SlotReader.OK)
        {
            assertFalse(VIEW.stillCommitted(), "a rejected frame must not confirm");
            assertEquals(0, VIEW.payload().capacity(), "a rejected frame must expose no payload");
            return;
        }
        assertTrue(headerIndex < NSLOTS);
        assertEquals(expectedSeq, VIEW.seq());
        final PayloadPool pool = regions.poolById(VIEW.poolId());
        assertTrue(pool != null, "delivered frame names a mapped pool");
        assertTrue((VIEW.valuesLength() & 0xFFFF_FFFFL) <= (pool.strideBytes() & 0xFFFF_FFFFL));
        assertEquals(VIEW.valuesLength(), VIEW.payload().capacity());
        assertTrue(VIEW.stillCommitted());
        final int[] dims = new int[ShmLayout.MAX_DIMS];
        final int[] strides = new int[ShmLayout.MAX_DIMS];
        for (int i = 0; i < VIEW.ndims(); i++)
        {
            dims[i] = VIEW.dim(i);
            strides[i] = VIEW.declaredStride(i);
        }
        assertEquals(TensorLayoutRules.OK, TensorLayoutRules.validate(VIEW.dtypeRaw(),
            (short)VIEW.majorOrder().value(), VIEW.ndims(), dims, strides, (short)VIEW.progressUnit().value(),
            VIEW.progressStrideBytes(), VIEW.valuesLength(), new long[ShmLayout.MAX_DIMS]),
            "a delivered frame must pass the layout rules");
    }

    /**
     * Input: byte 0 selects the expected region (even: header ring, odd: payload pool 1), the rest is the whole file.
     */
    @FuzzTest(maxDuration = "60s")
    void regionMap(final byte[] data) throws IOException
    {
        final boolean pool = data.length > 0 && (data[0] & 1) != 0;
        final RegionSpec expected = pool ?
            RegionSpec.payloadPool(STREAM_ID, EPOCH, POOL_IDS[0], NSLOTS, STRIDES[0]) :
            RegionSpec.headerRing(STREAM_ID, EPOCH, NSLOTS);
        Files.write(regionFile, data.length > 0 ? java.util.Arrays.copyOfRange(data, 1, data.length) : data,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        final RegionPathPolicy here = RegionPathPolicy.of(dir);
        MappedRegion region = null;
        try
        {
            region = MappedRegion.map(RegionUri.format(regionFile.toString(), false), expected, here, false);
            // accepted: every checked field really matches
            final UnsafeBuffer buffer = region.buffer();
            assertEquals(ShmLayout.MAGIC, Superblock.magic(buffer));
            assertEquals(EPOCH, Superblock.epoch(buffer));
            assertTrue(buffer.capacity() >= expected.fileSize());
        }
        catch (final ShmValidationException expectedRejection)
        {
            assertFalse(expectedRejection.getMessage().isEmpty());
        }
        finally
        {
            CloseHelper.close(region);
        }
    }

    /** Input: the URI text (ISO-8859-1, so every byte is one char). */
    @FuzzTest(maxDuration = "60s")
    void regionUri(final byte[] data)
    {
        final String text = new String(data, StandardCharsets.ISO_8859_1);
        final RegionUri uri;
        try
        {
            uri = RegionUri.parse(text);
        }
        catch (final ShmValidationException rejected)
        {
            return;
        }
        assertEquals(uri, RegionUri.parse(uri.toString()), "format/parse round trip");
        assertTrue(uri.path().startsWith("/"));
        try
        {
            // the URI path is taken relative to the base dir, so seeds reach real files, links and FIFOs in it
            final Path canonical = policy.validate(base + uri.path());
            assertTrue(policy.isContained(canonical), "accepted path outside the base: " + canonical);
            assertTrue(Files.isRegularFile(canonical), "accepted path is not a regular file: " + canonical);
        }
        catch (final ShmValidationException rejected)
        {
            assertFalse(rejected.getMessage().isEmpty());
        }
    }
}
