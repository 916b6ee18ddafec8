package io.tensorpool.shm;

/**
 * A region URI, path, file or superblock failed validation. Messages name the rule and the offending value; the
 * region must not be mapped or, if mapped, must not be consumed (Wire §15.22).
 */
public class ShmValidationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the rule that failed and the offending value.
     */
    public ShmValidationException(final String message)
    {
        super(message);
    }

    /**
     * @param message the rule that failed and the offending value.
     * @param cause   the underlying I/O or runtime failure.
     */
    public ShmValidationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
