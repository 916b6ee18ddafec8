package io.tensorpool.shm;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wire §15.21a.5: path containment before any mapping. Every rejection names the announced path (and, where the rule
 * is about what it resolves to, the resolved path).
 */
class RegionPathPolicyTest
{
    @TempDir
    Path root;

    private Path base;
    private Path outside;
    private RegionPathPolicy policy;

    @BeforeEach
    void setUp() throws IOException
    {
        base = Files.createDirectory(root.resolve("base"));
        outside = Files.createDirectory(root.resolve("outside"));
        policy = RegionPathPolicy.of(base);
    }

    @Test
    void acceptsRegularFileInsideBaseAndOpensIt() throws IOException
    {
        final Path file = Files.write(base.resolve("header.ring"), new byte[64]);
        assertEquals(file.toRealPath(), policy.validate(file.toString()));
        try (FileChannel channel = policy.open(file.toString(), false))
        {
            assertEquals(64, channel.size());
        }
    }

    @Test
    void acceptsSymlinkResolvingInsideBase() throws IOException
    {
        final Path file = Files.write(base.resolve("real.ring"), new byte[8]);
        final Path link = Files.createSymbolicLink(base.resolve("link.ring"), file);
        assertEquals(file.toRealPath(), policy.validate(link.toString()));
    }

    @Test
    void rejectsDotDotEscape() throws IOException
    {
        Files.write(outside.resolve("secret"), new byte[8]);
        final String announced = base + "/../outside/secret";
        assertRejected(announced, announced, "outside the allowed base directories");
    }

    @Test
    void rejectsDotDotIntoSiblingWithSharedPrefix() throws IOException
    {
        // "/x/base-evil" starts with the string "/x/base" but is not inside "/x/base"
        final Path sibling = Files.createDirectory(root.resolve("base-evil"));
        final Path file = Files.write(sibling.resolve("f"), new byte[8]);
        assertRejected(file.toString(), file.toString(), "outside the allowed base directories");
    }

    @Test
    void rejectsSymlinkEscapingBase() throws IOException
    {
        final Path target = Files.write(outside.resolve("secret"), new byte[8]);
        final Path link = Files.createSymbolicLink(base.resolve("evil.ring"), target);
        assertRejected(link.toString(), target.toRealPath().toString(), "outside the allowed base directories");
    }

    @Test
    void rejectsSymlinkedDirectoryEscapingBase() throws IOException
    {
        Files.write(outside.resolve("payload-1.pool"), new byte[8]);
        Files.createSymbolicLink(base.resolve("epoch-1"), outside);
        final String announced = base.resolve("epoch-1/payload-1.pool").toString();
        assertRejected(announced, announced, "outside the allowed base directories");
    }

    @Test
    void rejectsTheBaseDirectoryItself()
    {
        assertRejected(base.toString(), base.toString(), "outside the allowed base directories");
    }

    @Test
    void rejectsDirectory() throws IOException
    {
        final Path dir = Files.createDirectory(base.resolve("epoch-1"));
        assertRejected(dir.toString(), dir.toString(), "not a regular file (directory)");
    }

    @Test
    void rejectsFifo() throws Exception
    {
        final Path fifo = base.resolve("header.ring");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, mkfifo.exitValue());
        assertRejected(fifo.toString(), fifo.toString(), "not a regular file (FIFO)");
        // opening would block forever on a FIFO without a writer: open must reject before opening
        assertThrows(ShmValidationException.class, () -> policy.open(fifo.toString(), false));
    }

    @Test
    void rejectsCharacterDevice()
    {
        final RegionPathPolicy devPolicy = RegionPathPolicy.of(Path.of("/dev"));
        final ShmValidationException ex =
            assertThrows(ShmValidationException.class, () -> devPolicy.validate("/dev/null"));
        assertTrue(ex.getMessage().contains("/dev/null"), ex.getMessage());
        assertTrue(ex.getMessage().contains("character device"), ex.getMessage());
    }

    @Test
    void rejectsSymlinkToDeviceEvenInsideAllowedTree() throws IOException
    {
        final Path link = Files.createSymbolicLink(base.resolve("null.ring"), Path.of("/dev/null"));
        assertRejected(link.toString(), "/dev/null", "outside the allowed base directories");
    }

    @Test
    void rejectsRelativePath()
    {
        assertRejected("base/header.ring", "base/header.ring", "must be absolute");
        assertRejected("./header.ring", "./header.ring", "must be absolute");
    }

    @Test
    void rejectsMissingFile()
    {
        final String announced = base.resolve("nope.ring").toString();
        assertRejected(announced, announced, "does not exist");
    }

    @Test
    void rejectsNulCharacter()
    {
        final String announced = base + "/a\u0000b";
        final ShmValidationException ex =
            assertThrows(ShmValidationException.class, () -> policy.validate(announced));
        assertTrue(ex.getMessage().contains(base + "/a\\u0000b"), ex.getMessage());
    }

    @Test
    void rejectsFinalComponentSwappedForSymlinkBetweenValidateAndOpen() throws IOException
    {
        final Path file = Files.write(base.resolve("header.ring"), new byte[64]);
        final Path target = Files.write(outside.resolve("secret"), new byte[64]);
        policy.beforeOpen(() -> swap(file, () -> Files.createSymbolicLink(file, target)));
        final ShmValidationException ex =
            assertThrows(ShmValidationException.class, () -> policy.open(file.toString(), false));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
    }

    @Test
    void rejectsFileReplacedBetweenValidateAndOpen() throws IOException
    {
        final Path file = Files.write(base.resolve("header.ring"), new byte[64]);
        final Path replacement = Files.write(base.resolve("other"), new byte[64]);
        policy.beforeOpen(() -> swap(file,
            () -> Files.move(replacement, file, StandardCopyOption.ATOMIC_MOVE)));
        final ShmValidationException ex =
            assertThrows(ShmValidationException.class, () -> policy.open(file.toString(), false));
        assertTrue(ex.getMessage().contains("changed between validation and open"), ex.getMessage());
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
    }

    @Test
    void rejectsParentDirectorySwappedForSymlinkBetweenValidateAndOpen() throws IOException
    {
        final Path epochDir = Files.createDirectory(base.resolve("epoch-1"));
        final Path file = Files.write(epochDir.resolve("header.ring"), new byte[64]);
        Files.write(outside.resolve("header.ring"), new byte[64]);
        policy.beforeOpen(() ->
        {
            try
            {
                Files.move(epochDir, base.resolve("epoch-1.old"));
                Files.createSymbolicLink(epochDir, outside);
            }
            catch (final IOException ex)
            {
                throw new AssertionError(ex);
            }
        });
        final ShmValidationException ex =
            assertThrows(ShmValidationException.class, () -> policy.open(file.toString(), false));
        assertTrue(ex.getMessage().contains("changed between validation and open"), ex.getMessage());
    }

    @Test
    void rejectsBaseDirectoryConfigurationErrors() throws IOException
    {
        final ShmValidationException none =
            assertThrows(ShmValidationException.class, () -> new RegionPathPolicy(List.of()));
        assertTrue(none.getMessage().contains("no allowed base directory"), none.getMessage());

        final ShmValidationException relative =
            assertThrows(ShmValidationException.class, () -> RegionPathPolicy.of(Path.of("relative/dir")));
        assertTrue(relative.getMessage().contains("relative/dir"), relative.getMessage());

        final Path missing = root.resolve("missing");
        final ShmValidationException absent =
            assertThrows(ShmValidationException.class, () -> RegionPathPolicy.of(missing));
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());

        final Path file = Files.write(root.resolve("file"), new byte[1]);
        final ShmValidationException notDir =
            assertThrows(ShmValidationException.class, () -> RegionPathPolicy.of(file));
        assertTrue(notDir.getMessage().contains("not a directory") && notDir.getMessage().contains(file.toString()),
            notDir.getMessage());
    }

    @Test
    void baseDirectoriesAreCanonicalisedOnce() throws IOException
    {
        final Path linkToBase = Files.createSymbolicLink(root.resolve("base-link"), base);
        final RegionPathPolicy viaLink = RegionPathPolicy.of(linkToBase);
        assertEquals(List.of(base.toRealPath()), viaLink.canonicalBaseDirs());
        final Path file = Files.write(base.resolve("header.ring"), new byte[8]);
        assertEquals(file.toRealPath(), viaLink.validate(linkToBase.resolve("header.ring").toString()));
    }

    private interface IoAction
    {
        void run() throws IOException;
    }

    private static void swap(final Path file, final IoAction replace)
    {
        try
        {
            Files.delete(file);
            replace.run();
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private void assertRejected(final String announced, final String expectedValue, final String expectedRule)
    {
        final ShmValidationException ex =
            assertThrows(ShmValidationException.class, () -> policy.validate(announced));
        assertTrue(ex.getMessage().contains(expectedValue), () -> "missing <" + expectedValue + ">: " + ex.getMessage());
        assertTrue(ex.getMessage().contains(expectedRule), () -> "missing <" + expectedRule + ">: " + ex.getMessage());
        assertThrows(ShmValidationException.class, () -> policy.open(announced, false), "open must reject too");
    }
}
