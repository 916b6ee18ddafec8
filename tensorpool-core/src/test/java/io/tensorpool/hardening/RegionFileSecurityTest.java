package io.tensorpool.hardening;

import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamRegions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * File ownership and mode policy for mapped regions (docs/hardening.md, "Security policy"); path containment, symlink,
 * FIFO and device cases are covered by {@code RegionPathPolicyTest}. World-writable region files are refused;
 * group-writable (0660, shared-group deployments) and files owned by another user are mapped.
 */
class RegionFileSecurityTest
{
    @TempDir
    Path dir;

    private RegionSpec ringSpec()
    {
        return RegionSpec.headerRing(5, 1, 4);
    }

    private MappedRegion mapRing(final Path ring)
    {
        return MappedRegion.map(RegionUri.format(ring.toString(), false), ringSpec(), RegionPathPolicy.of(dir), false);
    }

    @Test
    void worldWritableRegionIsRefusedWithTheMode() throws Exception
    {
        try (StreamRegions regions = HardeningStreams.create(dir, 5, 1, 4, 4096))
        {
            final Path ring = regions.headerRing().region().path();
            Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw-rw-rw-"));
            final ShmValidationException ex = assertThrows(ShmValidationException.class, () -> mapRing(ring));
            assertTrue(ex.getMessage().contains("writable by others") && ex.getMessage().contains("rw-rw-rw-") &&
                ex.getMessage().contains(ring.toString()), ex.getMessage());
        }
    }

    @Test
    void groupWritableRegionIsMapped() throws Exception
    {
        try (StreamRegions regions = HardeningStreams.create(dir, 5, 1, 4, 4096))
        {
            final Path ring = regions.headerRing().region().path();
            Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw-rw----"));
            try (MappedRegion mapped = mapRing(ring))
            {
                assertEquals(ringSpec(), mapped.spec());
            }
        }
    }

    @Test
    void regionOwnedByAnotherUserIsMappedWhenReadable() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        try (StreamRegions regions = HardeningStreams.create(dir, 5, 1, 4, 4096))
        {
            final Path ring = regions.headerRing().region().path();
            final UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody");
            Files.setOwner(ring, nobody);
            try (MappedRegion mapped = mapRing(ring))
            {
                assertEquals(ringSpec(), mapped.spec());
            }
        }
    }
}
