package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.split.DriverEndpoint;
import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One stream as discovery reports it: which stream, which epoch, how its producer declared it (name, tags) and which
 * driver owns it. Immutable; travels from readers to the enumerator inside {@link DiscoveredStreamsEvent}.
 */
@Internal
public final class DiscoveredStream implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final int streamId;
    private final long epoch;
    private final String name;
    private final List<String> tags;
    private final String driverInstanceId;
    private final DriverEndpoint driver;

    /**
     * @param streamId         the stream id.
     * @param epoch            the stream's current epoch.
     * @param name             the data source name, empty if none was declared.
     * @param tags             the declared tags.
     * @param driverInstanceId the owning driver's instance id (the split's host).
     * @param driver           the owning driver's control endpoint.
     */
    public DiscoveredStream(
        final int streamId,
        final long epoch,
        final String name,
        final List<String> tags,
        final String driverInstanceId,
        final DriverEndpoint driver)
    {
        this.streamId = streamId;
        this.epoch = epoch;
        this.name = Objects.requireNonNull(name, "name");
        this.tags = List.copyOf(tags);
        this.driverInstanceId = Objects.requireNonNull(driverInstanceId, "driverInstanceId");
        this.driver = Objects.requireNonNull(driver, "driver");
    }

    /**
     * @return the stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @return the stream's epoch when discovered.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return the data source name, empty if none.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the declared tags (unmodifiable).
     */
    public List<String> tags()
    {
        return tags;
    }

    /**
     * @return the owning driver's instance id.
     */
    public String driverInstanceId()
    {
        return driverInstanceId;
    }

    /**
     * @return the owning driver's control endpoint.
     */
    public DriverEndpoint driver()
    {
        return driver;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DiscoveredStream))
        {
            return false;
        }
        final DiscoveredStream that = (DiscoveredStream)o;
        return streamId == that.streamId && epoch == that.epoch && name.equals(that.name) && tags.equals(that.tags) &&
            driverInstanceId.equals(that.driverInstanceId) && driver.equals(that.driver);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(streamId, epoch, name, tags, driverInstanceId, driver);
    }

    @Override
    public String toString()
    {
        return "DiscoveredStream{stream=" + Integer.toUnsignedString(streamId) + " epoch=" + epoch + " name=" + name +
            " tags=" + tags + " driver=" + driverInstanceId + "@" + driver + "}";
    }
}
