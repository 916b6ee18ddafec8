package io.tensorpool.cli;

/**
 * A failure the user can act on: printed as one line ({@code tensorpool <command>: <message>}) and turned into the
 * process exit status, never a stack trace unless {@code --verbose} is given.
 */
public final class CliFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /** A failure with exit status {@link TensorPoolCommand#EXIT_FAILURE}. */
    public CliFailure(final String message)
    {
        this(message, TensorPoolCommand.EXIT_FAILURE, null);
    }

    /** A failure caused by {@code cause}, with exit status {@link TensorPoolCommand#EXIT_FAILURE}. */
    public CliFailure(final String message, final Throwable cause)
    {
        this(message, TensorPoolCommand.EXIT_FAILURE, cause);
    }

    /** A failure with an explicit exit status. */
    public CliFailure(final String message, final int exitCode, final Throwable cause)
    {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit status this failure maps to. */
    public int exitCode()
    {
        return exitCode;
    }
}
