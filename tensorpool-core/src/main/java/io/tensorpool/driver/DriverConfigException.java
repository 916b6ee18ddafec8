package io.tensorpool.driver;

/** The driver configuration is invalid; the message names the key, the value and the rule it breaks. */
public final class DriverConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DriverConfigException(final String message)
    {
        super(message);
    }

    public DriverConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
