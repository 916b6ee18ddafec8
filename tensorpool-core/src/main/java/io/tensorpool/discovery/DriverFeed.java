package io.tensorpool.discovery;

import io.tensorpool.control.DefaultEndpoints;

import java.util.Objects;

/**
 * One driver a {@link DiscoveryProvider} indexes: its identity and control endpoint (advertised in results as the
 * attach authority, Discovery §5.2, §6.4) and the streams to subscribe to for its {@code ShmPoolAnnounce} and its
 * producers' {@code DataSourceAnnounce}/{@code DataSourceMeta}. Immutable.
 * <p>
 * Every feed of one provider must hear a different driver: announces carry no driver id, so the provider attributes
 * everything heard on a feed's endpoints to that feed's driver.
 */
public final class DriverFeed
{
    private final String driverInstanceId;
    private final String controlChannel;
    private final int controlStreamId;
    private final String announceChannel;
    private final int announceStreamId;
    private final String metadataChannel;
    private final int metadataStreamId;

    /**
     * @param driverInstanceId driver identity, non-empty (Driver Model §16 {@code driver.instance_id}).
     * @param controlChannel   driver control channel advertised to clients, non-empty.
     * @param controlStreamId  driver control stream id advertised to clients, non-zero.
     * @param announceChannel  channel carrying the driver's {@code ShmPoolAnnounce}.
     * @param announceStreamId stream id carrying the driver's {@code ShmPoolAnnounce}.
     * @param metadataChannel  channel carrying {@code DataSourceAnnounce}/{@code DataSourceMeta}, or null for none.
     * @param metadataStreamId stream id carrying the metadata (ignored when {@code metadataChannel} is null).
     * @throws IllegalArgumentException naming the field and value when one is invalid.
     */
    public DriverFeed(
        final String driverInstanceId,
        final String controlChannel,
        final int controlStreamId,
        final String announceChannel,
        final int announceStreamId,
        final String metadataChannel,
        final int metadataStreamId)
    {
        this.driverInstanceId = requireText("driverInstanceId", driverInstanceId);
        this.controlChannel = requireText("controlChannel", controlChannel);
        if (controlStreamId == 0)
        {
            throw new IllegalArgumentException("controlStreamId must be non-zero (Discovery §5.2), driver=" +
                driverInstanceId);
        }
        this.controlStreamId = controlStreamId;
        this.announceChannel = requireText("announceChannel", announceChannel);
        this.announceStreamId = announceStreamId;
        this.metadataChannel = metadataChannel == null || metadataChannel.isEmpty() ? null : metadataChannel;
        this.metadataStreamId = metadataStreamId;
        WireText.toBytes("driverInstanceId", driverInstanceId);
        WireText.toBytes("controlChannel", controlChannel);
    }

    /**
     * A driver using the default endpoints ({@link DefaultEndpoints}): announces on the control stream, metadata on
     * the metadata stream, both in the local media driver. What an embedded provider uses.
     */
    public static DriverFeed local(final String driverInstanceId)
    {
        return new DriverFeed(
            driverInstanceId,
            DefaultEndpoints.CONTROL_CHANNEL,
            DefaultEndpoints.CONTROL_STREAM_ID,
            DefaultEndpoints.CONTROL_CHANNEL,
            DefaultEndpoints.CONTROL_STREAM_ID,
            DefaultEndpoints.METADATA_CHANNEL,
            DefaultEndpoints.METADATA_STREAM_ID);
    }

    /**
     * Parse a feed from {@code key=value} pairs separated by {@code ;} (Aeron URIs never contain {@code ;}):
     * {@code instance} (required), {@code control}, {@code control-stream}, {@code announce}, {@code announce-stream},
     * {@code metadata} ({@code none} for no metadata), {@code metadata-stream}. Absent keys take the
     * {@link DefaultEndpoints} values; {@code announce} defaults to {@code control}.
     * Example: {@code instance=host-a;control=aeron:udp?endpoint=host-a:40100;announce=aeron:udp?endpoint=reg:40200}.
     *
     * @throws IllegalArgumentException naming the bad pair and the whole spec.
     */
    public static DriverFeed parse(final String spec)
    {
        Objects.requireNonNull(spec, "spec");
        String instance = null;
        String control = DefaultEndpoints.CONTROL_CHANNEL;
        int controlStream = DefaultEndpoints.CONTROL_STREAM_ID;
        String announce = null;
        Integer announceStream = null;
        String metadata = DefaultEndpoints.METADATA_CHANNEL;
        int metadataStream = DefaultEndpoints.METADATA_STREAM_ID;
        for (final String pair : spec.split(";"))
        {
            if (pair.isBlank())
            {
                continue;
            }
            final int eq = pair.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("driver feed pair without key=value: '" + pair + "' in " + spec);
            }
            final String key = pair.substring(0, eq).trim();
            final String value = pair.substring(eq + 1).trim();
            switch (key)
            {
                case "instance":
                    instance = value;
                    break;
                case "control":
                    control = value;
                    break;
                case "control-stream":
                    controlStream = parseStreamId(key, value, spec);
                    break;
                case "announce":
                    announce = value;
                    break;
                case "announce-stream":
                    announceStream = parseStreamId(key, value, spec);
                    break;
                case "metadata":
                    metadata = "none".equals(value) ? null : value;
                    break;
                case "metadata-stream":
                    metadataStream = parseStreamId(key, value, spec);
                    break;
                default:
                    throw new IllegalArgumentException("unknown driver feed key '" + key + "' in " + spec);
            }
        }
        if (instance == null)
        {
            throw new IllegalArgumentException("driver feed without instance=<driver instance id>: " + spec);
        }
        return new DriverFeed(
            instance,
            control,
            controlStream,
            announce == null ? control : announce,
            announceStream == null ? controlStream : announceStream,
            metadata,
            metadataStream);
    }

    /** Driver instance id, the first half of the index key (Discovery §6.1). */
    public String driverInstanceId()
    {
        return driverInstanceId;
    }

    /** Driver control channel advertised in results. */
    public String controlChannel()
    {
        return controlChannel;
    }

    /** Driver control stream id advertised in results; never 0. */
    public int controlStreamId()
    {
        return controlStreamId;
    }

    /** Channel subscribed for {@code ShmPoolAnnounce}. */
    public String announceChannel()
    {
        return announceChannel;
    }

    /** Stream id subscribed for {@code ShmPoolAnnounce}. */
    public int announceStreamId()
    {
        return announceStreamId;
    }

    /** Channel subscribed for data source metadata, or null when the feed has none. */
    public String metadataChannel()
    {
        return metadataChannel;
    }

    /** Stream id subscribed for data source metadata. */
    public int metadataStreamId()
    {
        return metadataStreamId;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DriverFeed))
        {
            return false;
        }
        final DriverFeed that = (DriverFeed)o;
        return controlStreamId == that.controlStreamId && announceStreamId == that.announceStreamId &&
            metadataStreamId == that.metadataStreamId && driverInstanceId.equals(that.driverInstanceId) &&
            controlChannel.equals(that.controlChannel) && announceChannel.equals(that.announceChannel) &&
            Objects.equals(metadataChannel, that.metadataChannel);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(driverInstanceId, controlChannel, controlStreamId, announceChannel, announceStreamId);
    }

    @Override
    public String toString()
    {
        return "DriverFeed{instance=" + driverInstanceId + ", control=" + controlChannel + "/" + controlStreamId +
            ", announce=" + announceChannel + "/" + announceStreamId +
            ", metadata=" + (metadataChannel == null ? "none" : metadataChannel + "/" + metadataStreamId) + '}';
    }

    private static String requireText(final String what, final String value)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException(what + " must be non-empty");
        }
        return value;
    }

    private static int parseStreamId(final String key, final String value, final String spec)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("driver feed " + key + " is not an int: '" + value + "' in " + spec);
        }
    }
}
