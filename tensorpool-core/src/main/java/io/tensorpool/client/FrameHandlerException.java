package io.tensorpool.client;

/**
 * Wraps an exception thrown by a {@link FrameHandler} or {@link ProgressHandler} so it leaves
 * {@link TensorPoolConsumer#poll} unchanged instead of being mistaken for a malformed message. The frame that was being
 * handled counts as delivered; the consumer stays usable.
 */
public final class FrameHandlerException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public FrameHandlerException(final Throwable cause)
    {
        super("frame handler threw: " + cause, cause);
    }
}
