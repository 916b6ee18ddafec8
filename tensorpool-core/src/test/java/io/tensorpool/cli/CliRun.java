package io.tensorpool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

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
