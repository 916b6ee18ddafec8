package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.ResponseCode;

/** A blocking attach did not succeed in time; carries the last refusal code (or null) and its message. */
public final class DriverAttachException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient ResponseCode code;

    public DriverAttachException(final String message, final ResponseCode code)
    {
        super(message);
        this.code = code;
    }

    /** The driver's last response code, or null if no response arrived (timeout, no driver). */
    public ResponseCode code()
    {
        return code;
    }
}
