package io.tensorpool.hardening;

import io.tensorpool.shm.StreamRegionFiles;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Starts a test main in a child JVM with the tensorpool flags and the test class path, and reads its stdout. */
public final class ChildJvm implements AutoCloseable
{
    private static final List<String> FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED");

    /** How long {@link #awaitLine} waits for a line before giving up: a hung child must not hang the suite. */
    private static final long LINE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(90);
    /** Marks the end of the child's stdout in {@link #lines}. */
    private static final String EOF = new String("<eof>");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<Path> deleteOnClose = new ArrayList<>();

    private ChildJvm(final Process process)
    {
        this.process = process;
        final BufferedReader stdout =
            new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final Thread pump = new Thread(() ->
        {
            try
            {
                String line;
                while ((line = stdout.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the child went away; EOF below tells the reader
            }
            finally
            {
                lines.add(EOF);
            }
        }, "child-jvm-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** Start {@code mainClass} with {@code args}; stderr is inherited so a child's failure shows in the test log. */
    public static ChildJvm start(final Class<?> mainClass, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(FLAGS);
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /**
     * The next stdout line starting with {@code prefix}; other lines are skipped. Null if the child exited or printed
     * no such line within the timeout (the caller's assertion then fails instead of the suite hanging).
     */
    public String awaitLine(final String prefix) throws IOException
    {
        final long deadline = System.nanoTime() + LINE_TIMEOUT_NS;
        try
        {
            long remaining;
            while ((remaining = deadline - System.nanoTime()) > 0)
            {
                final String line = lines.poll(remaining, TimeUnit.NANOSECONDS);
                if (line == null || line == EOF)
                {
                    if (line == EOF)
                    {
                        lines.add(EOF);
                    }
                    return null;
                }
                if (line.startsWith(prefix))
                {
                    return line;
                }
            }
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for '" + prefix + "' from child JVM " + process.pid(), ex);
        }
    }

    /** SIGKILL (Process.destroyForcibly on Linux) and wait for the exit; returns the exit code. */
    public int kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("child JVM " + process.pid() + " did not die");
        }
        return process.exitValue();
    }

    /** Wait for a normal exit; returns the exit code. */
    public int awaitExit() throws InterruptedException
    {
        if (!process.waitFor(120, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException("child JVM " + process.pid() + " did not exit");
        }
        return process.exitValue();
    }

    public Process process()
    {
        return process;
    }

    /**
     * Delete {@code path} (a directory the child created, e.g. its embedded media driver's directory under /dev/shm)
     * once {@link #close()} has killed the child: a SIGKILLed process never cleans up after itself. Deleted with
     * {@link StreamRegionFiles#deleteRecursively}, which never follows a symlink out of the directory.
     */
    public ChildJvm deleteOnClose(final Path path)
    {
        deleteOnClose.add(path);
        return this;
    }

    /** SIGKILL the child if it still runs, wait for it to be gone, then delete what {@link #deleteOnClose} named. */
    @Override
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(60, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final Path path : deleteOnClose)
        {
            StreamRegionFiles.deleteRecursively(path);
        }
    }
}
