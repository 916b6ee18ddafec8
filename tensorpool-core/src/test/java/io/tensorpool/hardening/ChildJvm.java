package io.tensorpool.hardening;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a test main in a child JVM with the tensorpool flags and the test class path, and reads its stdout. */
public final class ChildJvm implements AutoCloseable
{
    private static final List<String> FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED");

    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(final Process process)
    {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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

    /** The next stdout line starting with {@code prefix}; other lines are skipped. Null if the child exited. */
    public String awaitLine(final String prefix) throws IOException
    {
        String line;
        while ((line = stdout.readLine()) != null)
        {
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
        return null;
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

    @Override
    public void close()
    {
        process.destroyForcibly();
    }
}
