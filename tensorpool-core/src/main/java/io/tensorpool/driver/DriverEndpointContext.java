package io.tensorpool.driver;

import io.aeron.Aeron;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Settings both ends of the Driver Model share: the Aeron client (or the media driver directory to connect to), the
 * driver's control endpoint and the announce endpoint, which defaults to the control endpoint, and
 * the monotonic clock.
 * <p>
 * Setters are fluent and return the concrete context type; each subclass validates in its own {@code conclude()} and
 * calls {@link #defaultAnnounceEndpoint()} there.
 *
 * @param <C> the concrete context type returned by the fluent setters.
 */
public abstract class DriverEndpointContext<C extends DriverEndpointContext<C>>
{
    private Aeron aeron;
    private String aeronDirectoryName;
    private String controlChannel;
    private int controlStreamId;
    private String announceChannel;
    private Integer announceStreamId;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;

    /**
     * A context with the given default control endpoint.
     *
     * @param controlChannel  default {@code driver.control_channel}.
     * @param controlStreamId default {@code driver.control_stream_id}.
     */
    protected DriverEndpointContext(final String controlChannel, final int controlStreamId)
    {
        this.controlChannel = controlChannel;
        this.controlStreamId = controlStreamId;
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

    /** Fill an unset announce endpoint from the control endpoint; for the subclass's {@code conclude()}. */
    protected final void defaultAnnounceEndpoint()
    {
        if (announceChannel == null)
        {
            announceChannel = controlChannel;
        }
        if (announceStreamId == null)
        {
            announceStreamId = controlStreamId;
        }
    }

    /**
     * External Aeron client, never closed by this context's owner; null to connect using
     * {@link #aeronDirectoryName()}.
     *
     * @return the client or null.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * External Aeron client to use.
     *
     * @param aeron the client, or null to connect one.
     * @return this context.
     */
    public C aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return self();
    }

    /**
     * Media driver directory used when no Aeron client is given.
     *
     * @return the directory, null for Aeron's default.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * Media driver directory used when no Aeron client is given.
     *
     * @param aeronDirectoryName the directory, null for Aeron's default.
     * @return this context.
     */
    public C aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return self();
    }

    /**
     * The driver's control channel ({@code driver.control_channel}): requests in, responses and notices out.
     *
     * @return Aeron channel URI.
     */
    public String controlChannel()
    {
        return controlChannel;
    }

    /**
     * The driver's control channel ({@code driver.control_channel}).
     *
     * @param controlChannel Aeron channel URI.
     * @return this context.
     */
    public C controlChannel(final String controlChannel)
    {
        this.controlChannel = controlChannel;
        return self();
    }

    /**
     * The driver's control stream id ({@code driver.control_stream_id}).
     *
     * @return Aeron stream id.
     */
    public int controlStreamId()
    {
        return controlStreamId;
    }

    /**
     * The driver's control stream id ({@code driver.control_stream_id}).
     *
     * @param controlStreamId Aeron stream id.
     * @return this context.
     */
    public C controlStreamId(final int controlStreamId)
    {
        this.controlStreamId = controlStreamId;
        return self();
    }

    /**
     * Where the driver's {@code ShmPoolAnnounce} go ({@code driver.announce_channel}); defaults to the control
     * channel.
     *
     * @return Aeron channel URI, null before conclude when unset.
     */
    public String announceChannel()
    {
        return announceChannel;
    }

    /**
     * Where the driver's {@code ShmPoolAnnounce} go ({@code driver.announce_channel}).
     *
     * @param announceChannel Aeron channel URI.
     * @return this context.
     */
    public C announceChannel(final String announceChannel)
    {
        this.announceChannel = announceChannel;
        return self();
    }

    /**
     * The announce stream id ({@code driver.announce_stream_id}); defaults to the control stream id.
     *
     * @return Aeron stream id.
     */
    public int announceStreamId()
    {
        return announceStreamId == null ? controlStreamId : announceStreamId;
    }

    /**
     * The announce stream id ({@code driver.announce_stream_id}).
     *
     * @param announceStreamId Aeron stream id.
     * @return this context.
     */
    public C announceStreamId(final int announceStreamId)
    {
        this.announceStreamId = announceStreamId;
        return self();
    }

    /**
     * CLOCK_MONOTONIC source for deadlines, leases and periods; replaceable in tests.
     *
     * @return the clock.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * CLOCK_MONOTONIC source for deadlines, leases and periods.
     *
     * @param nanoClock the clock.
     * @return this context.
     */
    public C nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return self();
    }
}
