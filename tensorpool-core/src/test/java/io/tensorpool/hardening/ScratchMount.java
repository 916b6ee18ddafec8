package io.tensorpool.hardening;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A filesystem mounted for one test (a tiny tmpfs, a hugetlbfs). Mounting needs root with CAP_SYS_ADMIN, as in CI;
 * callers skip with the returned reason where it is refused.
 */
final class ScratchMount
{
    private ScratchMount()
    {
    }

    /**
     * @return null once {@code dir} is mounted, else why not (mount's own message).
     */
    static String mount(final String type, final String options, final Path dir)
        throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("mount", "-t", type, "-o", options, type, dir.toString())
            .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return "mount timed out";
        }
        final String output = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? null :
            "cannot mount " + type + " here (needs root with CAP_SYS_ADMIN): " + output;
    }

    /**
     * Unmount; a mount still busy means a mapping or descriptor leaked into this JVM, so it is detached lazily to
     * leave the machine clean, and reported.
     *
     * @return true if the mount was still in use.
     */
    static boolean unmount(final Path dir) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("umount", dir.toString()).start();
        final boolean busy = !p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0;
        if (busy)
        {
            new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
        return busy;
    }
}
