package io.tensorpool.shm;

import io.tensorpool.codecs.wire.RegionType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Region creation and mapping (Wire §7.1, §15.1, §15.14, §15.22): one test per superblock field, size, stride and
 * file rule. Mapping a region whose superblock differs from the announce is refused with the field, the value found
 * and the value expected in the message.
 */
class RegionValidationTest
{
    private static final int STREAM = 7;
    private static final long EPOCH = 3;
    private static final int NSLOTS = 4;
    private static final int STRIDE = 4096;

    @TempDir
    Path dir;

    private final RegionSpec ringSpec = RegionSpec.headerRing(STREAM, EPOCH, NSLOTS);
    private final RegionSpec poolSpec = RegionSpec.payloadPool(STREAM, EPOCH, 1, NSLOTS, STRIDE);

    @Test
    void mapsWhatWasCreated()
    {
        createAndClose("header.ring", ringSpec);
        createAndClose("payload-1.pool", poolSpec);
        try (MappedRegion ring = map("header.ring", ringSpec); MappedRegion pool = map("payload-1.pool", poolSpec))
        {
            assertEquals(ringSpec, ring.spec());
            assertEquals(poolSpec, pool.spec());
            assertEquals(ShmLayout.MAGIC, Superblock.magic(ring.buffer()));
            assertEquals(EPOCH, Superblock.epoch(pool.buffer()));
        }
    }

    @Test
    void rejectsBadMagic()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putLong(0, 0x31AAAAAAAAAAAAAAL), "31aaaaaaaaaaaaaa");
    }

    @Test
    void rejectsLayoutVersionMismatch()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putInt(8, 2), "layout_version 2");
    }

    @Test
    void rejectsEpochMismatch()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putLong(12, 99), "epoch 99");
    }

    @Test
    void rejectsStreamIdMismatch()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putInt(20, 8), "stream_id 8");
    }

    @Test
    void rejectsRegionTypeMismatch()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putShort(24, (short)2), "region_type 2");
        assertMapRejected("payload-1.pool", poolSpec, sb -> sb.putShort(24, (short)7), "region_type 7");
    }

    @Test
    void rejectsPoolIdMismatch()
    {
        assertMapRejected("payload-1.pool", poolSpec, sb -> sb.putShort(26, (short)2), "pool_id 2");
        assertMapRejected("header.ring", ringSpec, sb -> sb.putShort(26, (short)5), "pool_id 5");
    }

    @Test
    void rejectsNslotsMismatch()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putInt(28, 8), "nslots 8");
    }

    @Test
    void rejectsHeaderRingSlotBytesOtherThan256()
    {
        assertMapRejected("header.ring", ringSpec, sb -> sb.putInt(32, 128), "slot_bytes 128");
    }

    @Test
    void headerRingStrideBytesMayBeZeroOr256Only()
    {
        createAndClose("header.ring", ringSpec);
        patchSuperblock("header.ring", sb -> sb.putInt(36, 256));
        map("header.ring", ringSpec).close();
        patchSuperblock("header.ring", sb -> sb.putInt(36, 512));
        assertRejectedWith(() -> map("header.ring", ringSpec), "stride_bytes 512");
    }

    @Test
    void rejectsPoolStrideBytesMismatch()
    {
        assertMapRejected("payload-1.pool", poolSpec, sb -> sb.putInt(36, 8192), "stride_bytes 8192");
    }

    @Test
    void poolSlotBytesMustEqualStrideOrBeUnset()
    {
        createAndClose("payload-1.pool", poolSpec);
        patchSuperblock("payload-1.pool", sb -> sb.putInt(32, 0xFFFF_FFFF));
        map("payload-1.pool", poolSpec).close();
        patchSuperblock("payload-1.pool", sb -> sb.putInt(32, 1024));
        assertRejectedWith(() -> map("payload-1.pool", poolSpec), "slot_bytes 1024");
    }

    @Test
    void rejectsFileSmallerThanLayout() throws IOException
    {
        createAndClose("payload-1.pool", poolSpec);
        try (FileChannel channel = FileChannel.open(dir.resolve("payload-1.pool"), StandardOpenOption.WRITE))
        {
            channel.truncate(100);
        }
        assertRejectedWith(() -> map("payload-1.pool", poolSpec), "is 100 bytes");
    }

    @Test
    void rejectsAnnounceThatDisagreesWithTheFile()
    {
        createAndClose("payload-1.pool", poolSpec);
        final RegionSpec announcedBigger = RegionSpec.payloadPool(STREAM, EPOCH, 1, NSLOTS, 8192);
        assertRejectedWith(() -> map("payload-1.pool", announcedBigger), "smaller than the");
        final RegionSpec otherEpoch = RegionSpec.payloadPool(STREAM, 4, 1, NSLOTS, STRIDE);
        assertRejectedWith(() -> map("payload-1.pool", otherEpoch), "announced epoch 4");
    }

    @Test
    void rejectsHugepagesRequiredOnTmpfs()
    {
        createAndClose("payload-1.pool", poolSpec);
        final String uri = RegionUri.format(dir.resolve("payload-1.pool").toString(), true);
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> MappedRegion.map(uri, poolSpec, RegionPathPolicy.of(dir), false));
        assertTrue(ex.getMessage().contains("not hugetlbfs"), ex.getMessage());
        assertTrue(ex.getMessage().contains("payload-1.pool"), ex.getMessage());
    }

    @Test
    void rejectsUriBeforeTouchingTheFile()
    {
        assertRejectedWith(() -> MappedRegion.map("shm:file?path=relative", poolSpec, RegionPathPolicy.of(dir),
            false), "'relative'");
    }

    @Test
    void strideMustBeAPowerOfTwo()
    {
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 1, NSLOTS, 3 * 4096), "12288");
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 1, NSLOTS, 0), "was 0");
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 1, NSLOTS, -4096), "4294963200");
    }

    @Test
    void strideMustBeAMultipleOfThePageSize()
    {
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 1, NSLOTS, 2048), "was 2048");
    }

    @Test
    void strideMustBeAMultipleOfTheHugepageSizeWhenRequired()
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionSpec.checkStride(1 << 20, 2 << 20));
        assertTrue(ex.getMessage().contains("2097152") && ex.getMessage().contains("1048576"), ex.getMessage());
        RegionSpec.checkStride(4 << 20, 2 << 20);
    }

    @Test
    void nslotsMustBeAPowerOfTwo()
    {
        assertRejectedWith(() -> RegionSpec.headerRing(STREAM, EPOCH, 6), "was 6");
        assertRejectedWith(() -> RegionSpec.headerRing(STREAM, EPOCH, 0), "was 0");
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 1, 3, STRIDE), "was 3");
    }

    @Test
    void poolIdMustFitU16()
    {
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 65536, NSLOTS, STRIDE), "was 65536");
    }

    @Test
    void regionLargerThanOneMappingIsRejected()
    {
        assertRejectedWith(() -> RegionSpec.payloadPool(STREAM, EPOCH, 1, 256, 16 << 20), "4294967360");
    }

    @Test
    void createRefusesAnExistingFileOrSymlink() throws IOException
    {
        Files.write(dir.resolve("header.ring"), new byte[1]);
        assertRejectedWith(() -> create("header.ring", ringSpec), "already exists");
        Files.createSymbolicLink(dir.resolve("link.ring"), dir.resolve("nowhere"));
        assertRejectedWith(() -> create("link.ring", ringSpec), "link.ring");
        assertFalse(Files.exists(dir.resolve("nowhere")), "create must not follow a planted symlink");
    }

    @Test
    void createRefusesModesOpenToOthers()
    {
        assertRejectedWith(() -> MappedRegion.create(dir.resolve("a.ring"), ringSpec,
            PosixFilePermissions.fromString("rw-rw-r--"), false, 1, 1), "rw-rw-r--");
        assertRejectedWith(() -> MappedRegion.create(dir.resolve("a.ring"), ringSpec,
            PosixFilePermissions.fromString("rwx------"), false, 1, 1), "rwx------");
        assertRejectedWith(() -> MappedRegion.create(dir.resolve("a.ring"), ringSpec,
            PosixFilePermissions.fromString("r--------"), false, 1, 1), "r--------");
        assertFalse(Files.exists(dir.resolve("a.ring")));
    }

    @Test
    void createSetsTheModeExactlyWhateverTheUmask() throws IOException
    {
        createAndClose("g.ring", ringSpec, MappedRegion.GROUP_FILE_MODE);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("g.ring"))));
    }

    @Test
    void createInMissingDirectoryNamesThePath()
    {
        assertRejectedWith(() -> MappedRegion.create(dir.resolve("no/such/header.ring"), ringSpec,
            MappedRegion.PRIVATE_FILE_MODE, false, 1, 1), "no/such/header.ring");
    }

    @Test
    void freshnessFollowsTheActivityTimestamp()
    {
        try (MappedRegion region = create("header.ring", ringSpec))
        {
            Superblock.refreshActivity(region.buffer(), 1_000);
            assertTrue(Superblock.isFresh(region.buffer(), 1_500, 500));
            assertFalse(Superblock.isFresh(region.buffer(), 1_501, 500));
            region.buffer().putLong(56, 0);
            assertFalse(Superblock.isFresh(region.buffer(), 1, Long.MAX_VALUE), "activity 0 is stale");
        }
    }

    @Test
    void streamRegionsRejectMismatchedRegions()
    {
        try (MappedRegion ring = create("header.ring", ringSpec);
            MappedRegion pool8 = create("p8.pool", RegionSpec.payloadPool(STREAM, EPOCH, 1, 8, STRIDE));
            MappedRegion otherEpoch = create("pe.pool", RegionSpec.payloadPool(STREAM, EPOCH + 1, 2, NSLOTS, STRIDE));
            MappedRegion otherStream = create("ps.pool", RegionSpec.payloadPool(STREAM + 1, EPOCH, 3, NSLOTS, STRIDE));
            MappedRegion pool4 = create("p4.pool", RegionSpec.payloadPool(STREAM, EPOCH, 4, NSLOTS, STRIDE));
            MappedRegion pool4Again = create("p4b.pool", RegionSpec.payloadPool(STREAM, EPOCH, 4, NSLOTS, 8192)))
        {
            assertRejectedWith(() -> new StreamRegions(ring, List.of(pool8)), "nslots 8");
            assertRejectedWith(() -> new StreamRegions(ring, List.of(otherEpoch)), "epoch 4");
            assertRejectedWith(() -> new StreamRegions(ring, List.of(otherStream)), "stream 8");
            assertRejectedWith(() -> new StreamRegions(ring, List.of(pool4, pool4Again)), "duplicate pool_id 4");
            assertRejectedWith(() -> new StreamRegions(ring, List.of()), "at least one payload pool");
            assertRejectedWith(() -> new StreamRegions(ring, List.of(ring)), "HEADER_RING, not a PAYLOAD_POOL");
            assertRejectedWith(() -> new StreamRegions(pool4, List.of(pool4Again)), "PAYLOAD_POOL, not a HEADER_RING");
        }
    }

    @Test
    void superblockValidateNamesRegionTypeValues()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        Superblock.write(buffer, ringSpec, 1, 1, 1);
        Superblock.validate(buffer, ringSpec, "mem");
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> Superblock.validate(buffer, poolSpec, "mem"));
        assertTrue(ex.getMessage().contains("region_type 1") && ex.getMessage().contains(
            RegionType.PAYLOAD_POOL.name()), ex.getMessage());
        final UnsafeBuffer tooSmall = new UnsafeBuffer(new byte[32]);
        assertRejectedWith(() -> Superblock.validate(tooSmall, ringSpec, "tiny"), "32");
    }

    private MappedRegion create(final String name, final RegionSpec spec)
    {
        return MappedRegion.create(dir.resolve(name), spec, MappedRegion.PRIVATE_FILE_MODE, false, 1234, 5678);
    }

    private void createAndClose(final String name, final RegionSpec spec)
    {
        create(name, spec).close();
    }

    private void createAndClose(final String name, final RegionSpec spec,
        final java.util.Set<java.nio.file.attribute.PosixFilePermission> mode)
    {
        MappedRegion.create(dir.resolve(name), spec, mode, false, 1, 1).close();
    }

    private MappedRegion map(final String name, final RegionSpec spec)
    {
        return MappedRegion.map(RegionUri.format(dir.resolve(name).toString(), false), spec,
            RegionPathPolicy.of(dir), false);
    }

    private void patchSuperblock(final String name, final Consumer<ByteBuffer> patch)
    {
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve(name).toFile(), "rw"))
        {
            final byte[] sb = new byte[64];
            file.readFully(sb);
            patch.accept(ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN));
            file.seek(0);
            file.write(sb);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private void assertMapRejected(
        final String name, final RegionSpec spec, final Consumer<ByteBuffer> patch, final String expected)
    {
        createAndClose(name, spec);
        patchSuperblock(name, patch);
        final ShmValidationException ex = assertRejectedWith(() -> map(name, spec), expected);
        assertTrue(ex.getMessage().contains(name), ex.getMessage());
        try
        {
            Files.delete(dir.resolve(name));
        }
        catch (final IOException e)
        {
            throw new AssertionError(e);
        }
    }

    private static ShmValidationException assertRejectedWith(final Runnable action, final String expected)
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class, action::run);
        assertTrue(ex.getMessage().contains(expected), () -> "missing <" + expected + ">: " + ex.getMessage());
        return ex;
    }
}
