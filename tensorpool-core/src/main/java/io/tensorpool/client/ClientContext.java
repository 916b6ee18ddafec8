package io.tensorpool.client;

import io.aeron.Aeron;
import io.tensorpool.control.DefaultEndpoints;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Settings a producer and a consumer share: the Aeron client and who owns it, the data stream id, the four
 * control-plane endpoints (Wire §15.11), driver attachment, the QoS period and the monotonic clock.
 * <p>
 * Setters are fluent and return the concrete context type, so {@code new TensorPoolConsumer.Context().aeron(a)
 * .streamId(1).consumerId(7)} chains across base and subclass settings. {@link #conclude()} validates once: the
 * stream id, then the subclass's own settings, then it connects an owned Aeron client when none was given.
 *
 * @param <C> the concrete context type returned by the fluent setters.
 */
public abstract class ClientContext<C extends ClientContext<C>>
{
    /** Default announce, hello, QoS and metadata period: 1 s (Wire §15.11). */
    public static final long DEFAULT_PERIOD_NS = 1_000_000_000L;

    private boolean concluded;
    private Aeron aeron;
    private boolean ownsAeron;
    private String aeronDirectoryName;
    private boolean embeddedMediaDriver;
    private EmbeddedMediaDriver ownedDriver;
    private int streamId;
    private String controlChannel = DefaultEndpoints.CONTROL_CHANNEL;
    private int controlStreamId = DefaultEndpoints.CONTROL_STREAM_ID;
    private String descriptorChannel = DefaultEndpoints.DESCRIPTOR_CHANNEL;
    private int descriptorStreamId = DefaultEndpoints.DESCRIPTOR_STREAM_ID;
    private String qosChannel = DefaultEndpoints.QOS_CHANNEL;
    private int qosStreamId = DefaultEndpoints.QOS_STREAM_ID;
    private String metadataChannel = DefaultEndpoints.METADATA_CHANNEL;
    private int metadataStreamId = DefaultEndpoints.METADATA_STREAM_ID;
    private long qosPeriodNs = DEFAULT_PERIOD_NS;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private boolean useDriver;

    /**
     * Validate and fill defaults; runs once. Connects an owned Aeron client when none was given (after launching an
     * owned embedded media driver when one was asked for).
     *
     * @return this context.
     * @throws IllegalArgumentException naming the offending setting and value.
     */
    public C conclude()
    {
        if (concluded)
        {
            return self();
        }
        if (streamId == 0)
        {
            throw new IllegalArgumentException("streamId must be set to a non-zero u32");
        }
        concludeSettings();
        if (aeron == null)
        {
            connectOwnedAeron();
        }
        concluded = true;
        return self();
    }

    /**
     * Validate and default the subclass's own settings; called once by {@link #conclude()} after the stream id check
     * and before Aeron is connected, so a bad setting never leaves an owned client behind.
     *
     * @throws IllegalArgumentException naming the offending setting and value.
     */
    protected abstract void concludeSettings();

    private void connectOwnedAeron()
    {
        if (embeddedMediaDriver)
        {
            ownedDriver = EmbeddedMediaDriver.launch();
            aeronDirectoryName = ownedDriver.aeronDirectoryName();
        }
        try
        {
            // Contexts are nested in the client they configure: name that client in the error log
            final Class<?> client = getClass().getEnclosingClass();
            aeron = LoggingAeronClients.connect(aeronDirectoryName, client == null ? "client" : client.getSimpleName());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(ownedDriver);
            throw ex;
        }
        ownsAeron = true;
    }

    static void checkPositive(final String name, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Close the Aeron client and embedded media driver this context connected itself, if any; idempotent. */
    void closeOwned()
    {
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
            ownsAeron = false;
        }
        CloseHelper.quietClose(ownedDriver);
        ownedDriver = null;
    }

    /**
     * This context as its concrete type, for fluent setters.
     *
     * @return this.
     */
    @SuppressWarnings("unchecked")
    protected final C self()
    {
        return (C)this;
    }

    /**
     * Launch an {@link EmbeddedMediaDriver} owned by this context when it connects its own Aeron client.
     *
     * @param embedded true to launch one.
     */
    protected final void launchEmbeddedMediaDriver(final boolean embedded)
    {
        this.embeddedMediaDriver = embedded;
    }

    /**
     * Whether an owned embedded media driver is launched on conclude.
     *
     * @return true when one is launched.
     */
    protected final boolean launchesEmbeddedMediaDriver()
    {
        return embeddedMediaDriver;
    }

    /**
     * An Aeron client to share (never closed by the producer or consumer). Default: connect one, owned.
     *
     * @param aeron the client.
     * @return this context.
     */
    public C aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return self();
    }

    /**
     * The Aeron client: the given one, or after {@link #conclude()} the owned one.
     *
     * @return the client, null before conclude when none was given.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * Media driver directory for an owned Aeron client; default Aeron's own default.
     *
     * @param dir the directory.
     * @return this context.
     */
    public C aeronDirectoryName(final String dir)
    {
        this.aeronDirectoryName = dir;
        return self();
    }

    /**
     * Media driver directory for an owned Aeron client.
     *
     * @return the directory, null for Aeron's default.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * The data stream id (Wire {@code stream_id}); required, non-zero.
     *
     * @param streamId the stream id.
     * @return this context.
     */
    public C streamId(final int streamId)
    {
        this.streamId = streamId;
        return self();
    }

    /**
     * The data stream id.
     *
     * @return the stream id, 0 when unset.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * Control endpoint channel (Wire §15.11).
     *
     * @param channel Aeron channel URI.
     * @return this context.
     */
    public C controlChannel(final String channel)
    {
        this.controlChannel = channel;
        return self();
    }

    /**
     * Control endpoint channel.
     *
     * @return Aeron channel URI.
     */
    public String controlChannel()
    {
        return controlChannel;
    }

    /**
     * Control endpoint stream id (Wire §15.11).
     *
     * @param id Aeron stream id.
     * @return this context.
     */
    public C controlStreamId(final int id)
    {
        this.controlStreamId = id;
        return self();
    }

    /**
     * Control endpoint stream id.
     *
     * @return Aeron stream id.
     */
    public int controlStreamId()
    {
        return controlStreamId;
    }

    /**
     * Shared descriptor endpoint channel (Wire §15.11).
     *
     * @param channel Aeron channel URI.
     * @return this context.
     */
    public C descriptorChannel(final String channel)
    {
        this.descriptorChannel = channel;
        return self();
    }

    /**
     * Shared descriptor endpoint channel.
     *
     * @return Aeron channel URI.
     */
    public String descriptorChannel()
    {
        return descriptorChannel;
    }

    /**
     * Shared descriptor endpoint stream id (Wire §15.11).
     *
     * @param id Aeron stream id.
     * @return this context.
     */
    public C descriptorStreamId(final int id)
    {
        this.descriptorStreamId = id;
        return self();
    }

    /**
     * Shared descriptor endpoint stream id.
     *
     * @return Aeron stream id.
     */
    public int descriptorStreamId()
    {
        return descriptorStreamId;
    }

    /**
     * QoS endpoint channel (Wire §15.11).
     *
     * @param channel Aeron channel URI.
     * @return this context.
     */
    public C qosChannel(final String channel)
    {
        this.qosChannel = channel;
        return self();
    }

    /**
     * QoS endpoint channel.
     *
     * @return Aeron channel URI.
     */
    public String qosChannel()
    {
        return qosChannel;
    }

    /**
     * QoS endpoint stream id (Wire §15.11).
     *
     * @param id Aeron stream id.
     * @return this context.
     */
    public C qosStreamId(final int id)
    {
        this.qosStreamId = id;
        return self();
    }

    /**
     * QoS endpoint stream id.
     *
     * @return Aeron stream id.
     */
    public int qosStreamId()
    {
        return qosStreamId;
    }

    /**
     * Metadata endpoint channel (Wire §15.11).
     *
     * @param channel Aeron channel URI.
     * @return this context.
     */
    public C metadataChannel(final String channel)
    {
        this.metadataChannel = channel;
        return self();
    }

    /**
     * Metadata endpoint channel.
     *
     * @return Aeron channel URI.
     */
    public String metadataChannel()
    {
        return metadataChannel;
    }

    /**
     * Metadata endpoint stream id (Wire §15.11).
     *
     * @param id Aeron stream id.
     * @return this context.
     */
    public C metadataStreamId(final int id)
    {
        this.metadataStreamId = id;
        return self();
    }

    /**
     * Metadata endpoint stream id.
     *
     * @return Aeron stream id.
     */
    public int metadataStreamId()
    {
        return metadataStreamId;
    }

    /**
     * Multiplex control, descriptor, QoS and metadata on one endpoint (Wire §15.11 minimal deployment).
     *
     * @param channel Aeron channel URI for all four.
     * @param id      Aeron stream id for all four.
     * @return this context.
     */
    public C multiplexedEndpoint(final String channel, final int id)
    {
        controlChannel = descriptorChannel = qosChannel = metadataChannel = channel;
        controlStreamId = descriptorStreamId = qosStreamId = metadataStreamId = id;
        return self();
    }

    /**
     * Attach through the SHM driver listening on this context's control endpoint (Driver Model) instead of running
     * standalone. A producer maps the driver's regions, keeps a producer lease and does not announce
     * ({@link DriverRegionSource}); a consumer holds a consumer lease, maps what the lease names, follows the driver's
     * epoch changes and also allows the driver's default base directory. Default false (standalone).
     *
     * @param useDriver true to attach through the driver.
     * @return this context.
     */
    public C useDriver(final boolean useDriver)
    {
        this.useDriver = useDriver;
        return self();
    }

    /**
     * Whether to attach through the SHM driver.
     *
     * @return true when attaching through the driver.
     */
    public boolean useDriver()
    {
        return useDriver;
    }

    /**
     * Period of this side's QoS messages; default 1 s.
     *
     * @param ns period in nanoseconds, positive.
     * @return this context.
     */
    public C qosPeriodNs(final long ns)
    {
        this.qosPeriodNs = ns;
        return self();
    }

    /**
     * Period of this side's QoS messages.
     *
     * @return period in nanoseconds.
     */
    public long qosPeriodNs()
    {
        return qosPeriodNs;
    }

    /**
     * CLOCK_MONOTONIC source for timestamps, periods and activity; replaceable in tests.
     *
     * @param clock the clock.
     * @return this context.
     */
    public C nanoClock(final NanoClock clock)
    {
        this.nanoClock = clock;
        return self();
    }

    /**
     * CLOCK_MONOTONIC source.
     *
     * @return the clock.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }
}
