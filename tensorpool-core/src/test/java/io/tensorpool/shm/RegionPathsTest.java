package io.tensorpool.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

/** Wire §15.21a.3 and §15.21a.6: the recommended layout, directory modes and name rules. */
class RegionPathsTest
{
    @TempDir
    Path base;

    @Test
    void buildsTheRecommendedLayout()
    {
        final Path epochDir = RegionPaths.epochDirectory(base, "tensorpool", "producer-1", 7);
        assertEquals(base.resolve("tensorpool/producer-1/epoch-7"), epochDir);
        assertEquals(epochDir.resolve("header.ring"), RegionPaths.headerRing(epochDir));
        assertEquals(epochDir.resolve("payload-3.pool"), RegionPaths.payloadPool(epochDir, 3));
        assertEquals(base.resolve("ns/p/epoch-18446744073709551615"),
            RegionPaths.epochDirectory(base, "ns", "p", -1L), "epoch is unsigned");
    }

    @Test
    void instanceDirectoryHoldsTheEpochDirectoriesAndTheirNamesParseBack()
    {
        final Path instanceDir = RegionPaths.instanceDirectory(base, "tensorpool", "producer-1");
        assertEquals(base.resolve("tensorpool/producer-1"), instanceDir);
        assertEquals(RegionPaths.epochDirectory(base, "tensorpool", "producer-1", 9),
            RegionPaths.epochDirectory(instanceDir, 9));
        assertEquals(9, RegionPaths.epochOf(RegionPaths.epochDirectory(instanceDir, 9)));
        assertEquals(Long.MIN_VALUE, RegionPaths.epochOf(RegionPaths.epochDirectory(instanceDir, Long.MIN_VALUE)),
            "unsigned round trip");
        assertEquals(-1, RegionPaths.epochOf(instanceDir.resolve("epoch-x")));
        assertEquals(-1, RegionPaths.epochOf(instanceDir.resolve("epoch-")));
        assertEquals(-1, RegionPaths.epochOf(instanceDir.resolve("epoch--3")));
        assertEquals(-1, RegionPaths.epochOf(instanceDir.resolve("header.ring")));
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionPaths.instanceDirectory(base, "ns", "p".repeat(256)));
        assertTrue(ex.getMessage().contains("producer_instance_id") && ex.getMessage().contains("256"),
            ex.getMessage());
    }

    @Test
    void createsDirectoriesWithExactModes() throws IOException
    {
        final Path epochDir = RegionPaths.epochDirectory(base, "tensorpool", "producer-1", 1);
        RegionPaths.createEpochDirectory(base, epochDir, RegionPaths.PRIVATE_DIR_MODE);
        for (final Path dir : new Path[]{epochDir, epochDir.getParent(), epochDir.getParent().getParent()})
        {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
        }
        final Path next = RegionPaths.epochDirectory(base, "tensorpool", "producer-1", 2);
        RegionPaths.createEpochDirectory(base, next, RegionPaths.GROUP_DIR_MODE);
        assertEquals("rwxrwx---", PosixFilePermissions.toString(Files.getPosixFilePermissions(next)));

        try (MappedRegion ring = MappedRegion.create(RegionPaths.headerRing(next), RegionSpec.headerRing(1, 2, 4),
            MappedRegion.GROUP_FILE_MODE, false, 1, 1))
        {
            assertTrue(Files.isRegularFile(ring.path()));
        }
    }

    @Test
    void refusesAnExistingEpochDirectory()
    {
        final Path epochDir = RegionPaths.epochDirectory(base, "ns", "p", 1);
        RegionPaths.createEpochDirectory(base, epochDir, RegionPaths.PRIVATE_DIR_MODE);
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionPaths.createEpochDirectory(base, epochDir, RegionPaths.PRIVATE_DIR_MODE));
        assertTrue(ex.getMessage().contains(epochDir.toString()), ex.getMessage());
    }

    @Test
    void refusesASymlinkedParent() throws IOException
    {
        final Path elsewhere = Files.createDirectory(base.resolve("elsewhere"));
        Files.createSymbolicLink(base.resolve("ns"), elsewhere);
        final Path epochDir = RegionPaths.epochDirectory(base, "ns", "p", 1);
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionPaths.createEpochDirectory(base, epochDir, RegionPaths.PRIVATE_DIR_MODE));
        assertTrue(ex.getMessage().contains(base.resolve("ns").toString()), ex.getMessage());
    }

    @Test
    void refusesModesOpenToOthers()
    {
        final Path epochDir = RegionPaths.epochDirectory(base, "ns", "p", 1);
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionPaths.createEpochDirectory(base, epochDir, PosixFilePermissions.fromString("rwxr-xr-x")));
        assertTrue(ex.getMessage().contains("rwxr-xr-x"), ex.getMessage());
    }

    @Test
    void refusesUnsafeNames()
    {
        assertBadName("..", "'..'");
        assertBadName("a/b", "code 47");
        assertBadName("", "''");
        assertBadName("a b", "code 32");
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionPaths.epochDirectory(Path.of("relative"), "ns", "p", 1));
        assertTrue(ex.getMessage().contains("relative"), ex.getMessage());
        final ShmValidationException pool = assertThrows(ShmValidationException.class,
            () -> RegionPaths.payloadPool(base, 70000));
        assertTrue(pool.getMessage().contains("70000"), pool.getMessage());
    }

    @Test
    void refusesADirectoryOutsideTheBase()
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> RegionPaths.createEpochDirectory(base, base.resolve("../x/epoch-1"), RegionPaths.PRIVATE_DIR_MODE));
        assertTrue(ex.getMessage().contains("is not below"), ex.getMessage());
    }

    private void assertBadName(final String name, final String expected)
    {
        final ShmValidationException ns = assertThrows(ShmValidationException.class,
            () -> RegionPaths.epochDirectory(base, name, "p", 1));
        assertTrue(ns.getMessage().contains("namespace") && ns.getMessage().contains(expected), ns.getMessage());
        final ShmValidationException id = assertThrows(ShmValidationException.class,
            () -> RegionPaths.epochDirectory(base, "ns", name, 1));
        assertTrue(id.getMessage().contains("producer_instance_id") && id.getMessage().contains(expected),
            id.getMessage());
    }
}
