package io.tensorpool.examples.demo;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The first-run demo ({@code ./demo.sh}): on one host, in one JVM, an embedded media driver, the SHM driver with
 * discovery, a synthetic camera producer, a job that turns each camera frame into a thumbnail and its mean
 * brightness (a Flink MiniCluster job with TensorPoolSource and TensorPoolSink, or the same with plain clients), and a
 * consumer that checks every result against the frame it came from. Ends by itself; exit status 1 on failure.
 * <p>
 * Arguments: {@code [--engine flink|core] [--frames N] [--rate HZ]}.
 */
public final class CameraDemo
{
    static final int CAMERA_STREAM = 10000;
    static final int RESULT_STREAM = 10001;
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(45);

    private CameraDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        quietLogging();
        String engine = "flink";
        long frames = 150;
        double rate = 30;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--engine" -> engine = args[++i];
                case "--frames" -> frames = Long.parseLong(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                default ->
                {
                    System.err.println("usage: CameraDemo [--engine flink|core] [--frames N] [--rate HZ]");
                    System.exit(2);
                }
            }
        }
        if (!engine.equals("flink") && !engine.equals("core"))
        {
            System.err.println("demo: --engine must be flink or core, was " + engine);
            System.exit(2);
        }
        System.exit(run(engine, frames, rate) ? 0 : 1);
    }

    static boolean run(final String engine, final long frames, final double rate) throws Exception
    {
        final long start = System.nanoTime();
        try (DemoServices services = new DemoServices())
        {
            say("media driver (%s), SHM driver '%s' and discovery are up", services.aeronDirectoryName(),
                DemoServices.DRIVER_INSTANCE_ID);
            try (CameraProducer camera = new CameraProducer(services.aeronDirectoryName(), services.standaloneDir(),
                    CAMERA_STREAM, rate);
                ResultReport report = new ResultReport(services.aeronDirectoryName(), services.allowedBaseDirs(),
                    RESULT_STREAM, camera))
            {
                camera.start();
                say("camera-0 publishes 480x640 uint8 frames at %.0f Hz on stream %d", rate, CAMERA_STREAM);
                final long processed;
                if (engine.equals("flink"))
                {
                    say("Flink MiniCluster job: TensorPoolSource(stream %d) -> thumbnail 60x80 + mean brightness -> " +
                        "TensorPoolSink(stream %d), %d frames", CAMERA_STREAM, RESULT_STREAM, frames);
                    processed = runFlink(services, report, frames);
                }
                else
                {
                    say("core job: consumer(stream %d) -> thumbnail 60x80 + mean brightness -> producer(stream %d)," +
                        " %d frames", CAMERA_STREAM, RESULT_STREAM, frames);
                    try (CoreEngine job = new CoreEngine(services.aeronDirectoryName(), services.allowedBaseDirs(),
                        services.standaloneDir(), CAMERA_STREAM, RESULT_STREAM))
                    {
                        processed = job.run(frames, JOB_TIMEOUT.toNanos(), report::poll);
                        drain(report);
                    }
                }
                final boolean passed = processed == frames && report.passed();
                say("job finished: %d of %d frames in %.1f s", processed, frames, (System.nanoTime() - start) / 1e9);
                System.out.print(report.render(camera.published(), processed));
                say(passed ? "PASSED: every result matches the camera frame it was computed from" :
                    "FAILED: see the report above");
                return passed;
            }
        }
    }

    private static long runFlink(final DemoServices services, final ResultReport report, final long frames)
        throws Exception
    {
        final CompletableFuture<?> job = FlinkEngine.submit(services.aeronDirectoryName(),
            services.allowedBaseDirs(), services.driverDir(), CAMERA_STREAM, RESULT_STREAM, frames);
        final long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (!job.isDone())
        {
            if (System.nanoTime() - deadline > 0)
            {
                job.cancel(true);
                say("the job did not finish within %d s", JOB_TIMEOUT.toSeconds());
                return 0;
            }
            if (report.poll() == 0)
            {
                Thread.onSpinWait();
                TimeUnit.MICROSECONDS.sleep(200);
            }
        }
        try
        {
            job.get();
        }
        catch (final ExecutionException ex)
        {
            say("the job failed: %s", rootCause(ex));
            return 0;
        }
        drain(report);
        return frames;
    }

    /** Keep reading results for a moment after the job so the last ones in flight are counted. */
    private static void drain(final ResultReport report) throws InterruptedException
    {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() - until < 0)
        {
            if (report.poll() == 0)
            {
                TimeUnit.MICROSECONDS.sleep(200);
            }
        }
    }

    private static String rootCause(final Throwable ex)
    {
        Throwable t = ex;
        while (t.getCause() != null)
        {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void say(final String format, final Object... args)
    {
        System.out.println("[demo] " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** Flink and the clients log at INFO; the demo's own lines are the story. */
    private static void quietLogging()
    {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.flink") == null)
        {
            // MiniCluster warns about web UI log files and delegation tokens it does not need here
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.flink", "error");
        }
    }
}
