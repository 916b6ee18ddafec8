package io.tensorpool.flink.source.split;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a stream's driver listens for attach requests: an Aeron channel and stream id on the owning host. Immutable.
 */
@Internal
public final class DriverEndpoint implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final String channel;
    private final int streamId;

    /**
     * @param channel  the driver's control channel, e.g. {@code aeron:ipc?term-length=4m}.
     * @param streamId the driver's control stream id.
     */
    public DriverEndpoint(final String channel, final int streamId)
    {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.streamId = streamId;
    }

    /**
     * @return the driver's control channel.
     */
    public String channel()
    {
        return channel;
    }

    /**
     * @return the driver's control stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DriverEndpoint))
        {
            return false;
        }
        final DriverEndpoint that = (DriverEndpoint)o;
        return streamId == that.streamId && channel.equals(that.channel);
    }

    @Override
    public int hashCode()
    {
        return 31 * channel.hashCode() + streamId;
    }

    @Override
    public String toString()
    {
        return channel + "#" + streamId;
    }
}
