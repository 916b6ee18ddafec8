package io.tensorpool.shm;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Wire §15.22: hugepage backing is verified from the mount table, with the mount's own page size. */
class HugepagesTest
{
    private static final List<String> MOUNTINFO = List.of(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
        "25 22 0:21 / /dev rw,nosuid shared:2 - devtmpfs udev rw,size=4096k",
        "26 25 0:22 / /dev/shm rw,nosuid,nodev shared:3 - tmpfs tmpfs rw",
        "27 25 0:23 / /dev/hugepages rw,relatime shared:4 - hugetlbfs hugetlbfs rw,pagesize=2M",
        "28 22 0:24 / /mnt/huge\\0401g rw,relatime shared:5 - hugetlbfs none rw,pagesize=1024M",
        "29 22 0:25 / /mnt/hugeplain rw,relatime - hugetlbfs none rw");

    @Test
    void acceptsHugetlbfsWithItsPageSize()
    {
        assertEquals(2L << 20, Hugepages.verify(Path.of("/dev/hugepages/tp/payload-1.pool"), MOUNTINFO, 2L << 20));
    }

    @Test
    void usesTheMountsOwnPageSizeAndUnescapesMountPoints()
    {
        assertEquals(1L << 30, Hugepages.verify(Path.of("/mnt/huge 1g/payload-1.pool"), MOUNTINFO, 2L << 20));
    }

    @Test
    void fallsBackToTheDefaultPageSizeWithoutAnOption()
    {
        assertEquals(2L << 20, Hugepages.verify(Path.of("/mnt/hugeplain/x"), MOUNTINFO, 2L << 20));
    }

    @Test
    void rejectsTmpfs()
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> Hugepages.verify(Path.of("/dev/shm/tp/payload-1.pool"), MOUNTINFO, 2L << 20));
        assertTrue(ex.getMessage().contains("/dev/shm/tp/payload-1.pool") && ex.getMessage().contains("tmpfs"),
            ex.getMessage());
    }

    @Test
    void rejectsPrefixThatIsNotAMountBoundary()
    {
        // "/dev/hugepagesX" is not under "/dev/hugepages": the longest real mount is /dev (devtmpfs)
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> Hugepages.verify(Path.of("/dev/hugepagesX/a"), MOUNTINFO, 2L << 20));
        assertTrue(ex.getMessage().contains("devtmpfs"), ex.getMessage());
    }

    @Test
    void rejectsUnknownPageSize()
    {
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> Hugepages.verify(Path.of("/mnt/hugeplain/x"), MOUNTINFO, -1));
        assertTrue(ex.getMessage().contains("/mnt/hugeplain"), ex.getMessage());
    }

    @Test
    void creationLooksUpTheHugepageSizeWithoutFailingElsewhere()
    {
        assertEquals(1L << 30, Hugepages.hugetlbfsPageSize(Path.of("/mnt/huge 1g/ns"), MOUNTINFO, 2L << 20));
        assertEquals(-1, Hugepages.hugetlbfsPageSize(Path.of("/dev/shm/ns"), MOUNTINFO, 2L << 20));
        assertEquals(-1, Hugepages.hugetlbfsPageSize(Path.of("/dev/shm")), "this machine's /dev/shm is tmpfs");
    }

    @Test
    void parsesPageSizeOptions()
    {
        assertEquals(2L << 20, Hugepages.pageSizeOption("rw,pagesize=2M"));
        assertEquals(1L << 30, Hugepages.pageSizeOption("pagesize=1G,rw"));
        assertEquals(64L << 10, Hugepages.pageSizeOption("pagesize=64K"));
        assertEquals(-1, Hugepages.pageSizeOption("rw"));
        assertEquals(-1, Hugepages.pageSizeOption("pagesize=lots"));
    }

    @Test
    void realTmpfsFileIsRejected()
    {
        // /proc/self/mountinfo of this machine: the temp files of the build are not on hugetlbfs
        final ShmValidationException ex = assertThrows(ShmValidationException.class,
            () -> Hugepages.verify(Path.of("/proc/self/status")));
        assertTrue(ex.getMessage().contains("/proc/self/status"), ex.getMessage());
    }
}
