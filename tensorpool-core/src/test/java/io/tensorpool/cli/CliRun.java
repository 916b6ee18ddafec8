package io.tensorpool.cli;

import io.tensorpool.testing.Await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One in-process run of the tensorpool command with captured stdout, stderr and exit status. */
final class CliRun
{
    final int exitCode;
    final String out;
    final String err;

    private CliRun(final int exitCode, final String out, final String err)
    {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static CliRun run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = TensorPoolCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** Start {@code tensorpool driver} on {@code aeronDir} and {@code shmDir} in the background, no status line. */
    static CompletableFuture<CliRun> driverInBackground(final String aeronDir, final Path shmDir, final String... more)
    {
        final String[] args = new String[6 + more.length];
        args[0] = "driver";
        args[1] = "--aeron-dir";
        args[2] = aeronDir;
        args[3] = "--shm-dir";
        args[4] = shmDir.toString();
        args[5] = "--no-status";
        System.arraycopy(more, 0, args, 6, more.length);
        return CompletableFuture.supplyAsync(() -> run(args));
    }

    /** Stop every background command and wait until each has ended. */
    static void stopAll(final List<CompletableFuture<CliRun>> background)
    {
        // a command may register its stop signal only after the first stopAll(): keep asking until all ended
        Await.until("background commands stopped", Duration.ofSeconds(60),
            () -> background.stream().allMatch(CompletableFuture::isDone), StopSignal::stopAll);
        background.forEach(CompletableFuture::join);
    }

    /** stderr without the live status lines long-running commands print. */
    String errLines()
    {
        return err;
    }

    @Override
    public String toString()
    {
        return "exit=" + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
