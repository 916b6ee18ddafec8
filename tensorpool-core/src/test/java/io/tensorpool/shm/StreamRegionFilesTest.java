package io.tensorpool.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StreamRegionFilesTest
{
    @TempDir
    Path base;

    @Test
    void createsTheSpecLayoutWithPrivateModesAndMapsItBack() throws Exception
    {
        try (StreamRegions owned = StreamRegionFiles.create(base, "tensorpool", "producer-1", 42, 3, 8,
            new int[]{1, 2}, new int[]{4096, 65536}, MappedRegion.PRIVATE_FILE_MODE, false, System.nanoTime()))
        {
            final Path epochDir = base.resolve("tensorpool/producer-1/epoch-3");
            assertTrue(Files.isRegularFile(epochDir.resolve("header.ring")));
            assertTrue(Files.isRegularFile(epochDir.resolve("payload-1.pool")));
            assertTrue(Files.isRegularFile(epochDir.resolve("payload-2.pool")));
            assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(epochDir.resolve("header.ring"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(epochDir)));
            assertEquals(64 + 8 * 65536, Files.size(epochDir.resolve("payload-2.pool")));

            final StreamLayout layout = StreamRegionFiles.layoutOf(owned, false);
            assertEquals("shm:file?path=" + epochDir.resolve("header.ring"), layout.headerRegionUri());
            try (StreamRegions mapped = StreamRegionFiles.map(layout, RegionPathPolicy.of(base), false))
            {
                assertEquals(3, mapped.epoch());
                assertEquals(2, mapped.poolCount());
                assertEquals(0, mapped.selectPool(4096));
                assertEquals(1, mapped.selectPool(4097));
                assertEquals(StreamRegions.NO_POOL, mapped.selectPool(65537));
            }

            final StreamLayout wrongEpoch = new StreamLayout(42, 4, 1, 8, layout.headerRegionUri(), layout.pools());
            final ShmValidationException ex = assertThrows(ShmValidationException.class,
                () -> StreamRegionFiles.map(wrongEpoch, RegionPathPolicy.of(base), false));
            assertTrue(ex.getMessage().contains("epoch 3"), ex.getMessage());

            final StreamLayout mismatchedPools = new StreamLayout(42, 3, 1, 8, layout.headerRegionUri(),
                List.of(new PoolDescriptor(1, 16, 4096, layout.pools().get(0).regionUri())));
            assertThrows(ShmValidationException.class,
                () -> StreamRegionFiles.map(mismatchedPools, RegionPathPolicy.of(base), false));
        }
    }

    @Test
    void refusesAnExistingEpochDirectoryAndLeavesItAlone() throws Exception
    {
        final Path epochDir = Files.createDirectories(base.resolve("tensorpool/producer-1/epoch-5"));
        final Path foreign = Files.writeString(epochDir.resolve("someone-else"), "x");
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> StreamRegionFiles.create(base, "tensorpool", "producer-1", 42, 5, 8, new int[]{1},
                new int[]{4096}, MappedRegion.PRIVATE_FILE_MODE, false, System.nanoTime()));
        assertTrue(ex.getMessage().contains(epochDir.toString()), ex.getMessage());
        assertTrue(Files.isRegularFile(foreign), "a directory create() did not make is not removed on failure");
        assertFalse(Files.exists(epochDir.resolve("header.ring")));
    }

    @Test
    void createsAMissingBaseDirectoryAndRefusesUnsafeNames()
    {
        final Path missingBase = base.resolve("not-yet");
        try (StreamRegions owned = StreamRegionFiles.create(missingBase, "ns", "p", 7, 1, 8, new int[]{1},
            new int[]{4096}, MappedRegion.PRIVATE_FILE_MODE, false, System.nanoTime()))
        {
            assertEquals(RegionPaths.headerRing(RegionPaths.epochDirectory(missingBase, "ns", "p", 1)),
                owned.headerRing().region().path());
        }
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> StreamRegionFiles.create(base, "ns", "a|b", 7, 1, 8, new int[]{1}, new int[]{4096},
                MappedRegion.PRIVATE_FILE_MODE, false, System.nanoTime()));
        assertTrue(ex.getMessage().contains("producer_instance_id") && ex.getMessage().contains("a|b"),
            ex.getMessage());
        assertFalse(Files.exists(base.resolve("ns")), "nothing created for a refused name");
    }
}
