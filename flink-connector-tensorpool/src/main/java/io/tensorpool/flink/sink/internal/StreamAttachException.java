package io.tensorpool.flink.sink.internal;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/** The driver refused a sink subtask's attach; fatal for the job (a restart would meet the same refusal). */
@Internal
public final class StreamAttachException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int streamId;

    public StreamAttachException(final int streamId, final String message)
    {
        super(message);
        this.streamId = streamId;
    }

    /** The stream whose attach was refused. */
    public int streamId()
    {
        return streamId;
    }
}
