package io.tensorpool.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs bin/tensorpool as a process. The runnable jar is only built in the package phase, after the tests, so the
 * launcher is pointed at the test class path through TENSORPOOL_CLASSPATH; everything else (finding java, the JVM
 * flags, the main class, exit statuses) is the real script.
 */
class LauncherTest
{
    private static final Path LAUNCHER = Path.of("..", "bin", "tensorpool").toAbsolutePath().normalize();

    @Test
    void helpRunsThroughTheLauncher() throws Exception
    {
        final Result result = launch("--help");
        assertEquals(0, result.exitCode, result.toString());
        assertTrue(result.out.startsWith("Usage: tensorpool"), result.toString());
        assertTrue(result.out.contains("inspect"), result.toString());
    }

    @Test
    void failureStatusAndOneLineReasonSurviveTheLauncher() throws Exception
    {
        final Result result = launch("inspect", "/dev/null");
        assertEquals(1, result.exitCode, result.toString());
        assertEquals("tensorpool inspect: not a regular file: /dev/null", result.err.strip(), result.toString());
        assertEquals(2, launch("inspect").exitCode);
    }

    @Test
    void missingJarIsReportedWithTheBuildCommand() throws Exception
    {
        final Result result = launchWith(null, "/nonexistent/tensorpool.jar", "--help");
        assertEquals(1, result.exitCode, result.toString());
        assertTrue(result.err.contains("/nonexistent/tensorpool.jar not found; build it first"), result.toString());
    }

    @Test
    void sigtermStopsTheDriverCleanlyWithItsSummary() throws Exception
    {
        final Path aeronDir = Path.of("/dev/shm", "tp-cli-sigterm-" + java.util.UUID.randomUUID());
        final Path shmDir = Files.createTempDirectory("tp-cli-sigterm");
        final ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString(), "driver",
            "--embedded-aeron-dir", aeronDir.toString(), "--shm-dir", shmDir.toString(), "--no-status");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TENSORPOOL_CLASSPATH", System.getProperty("java.class.path"));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        final Process process = builder.start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            final String first = out.readLine();
            assertNotNull(first, "driver printed nothing");
            assertTrue(first.startsWith("tensorpool driver: instance=driver-01 aeron-dir=" + aeronDir +
                " (embedded media driver)"), first);
            assertTrue(Files.isDirectory(aeronDir));

            // SIGTERM, as a service manager sends; ProcessHandle keeps our end of the pipes open (Process.destroy
            // would close them)
            assertTrue(process.toHandle().destroy());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "driver did not stop on SIGTERM");
            final String summary = out.readLine();
            assertNotNull(summary, "no summary after SIGTERM");
            assertTrue(summary.startsWith("instanceId=driver-01 "), summary);
        }
        finally
        {
            process.destroyForcibly();
        }
        assertEquals(143, process.exitValue(), "the JVM's status for SIGTERM after a clean shutdown");
        assertFalse(Files.exists(aeronDir), "the embedded media driver removes its directory on the way out");
    }

    private static Result launch(final String... args) throws IOException, InterruptedException
    {
        return launchWith(System.getProperty("java.class.path"), null, args);
    }

    private static Result launchWith(final String classPath, final String jar, final String... args)
        throws IOException, InterruptedException
    {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " must exist and be executable");
        final ProcessBuilder builder = new ProcessBuilder(
            new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString())));
        builder.command().addAll(List.of(args));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("TENSORPOOL_CLASSPATH");
        builder.environment().remove("TENSORPOOL_JAR");
        if (classPath != null)
        {
            builder.environment().put("TENSORPOOL_CLASSPATH", classPath);
        }
        if (jar != null)
        {
            builder.environment().put("TENSORPOOL_JAR", jar);
        }
        final Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("launcher did not finish within 120 s");
        }
        return new Result(process.exitValue(),
            new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
            new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static final class Result
    {
        final int exitCode;
        final String out;
        final String err;

        Result(final int exitCode, final String out, final String err)
        {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString()
        {
            return "exit=" + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
