package io.tensorpool.discovery;

import io.tensorpool.client.LoggingAeronClients;

import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Settings both ends of discovery share (Discovery §4): the Aeron client and who owns it, the request endpoint, the
 * fragment limit and the clock.
 * <p>
 * Setters are fluent and return the concrete context type. {@link #conclude()} validates once: the subclass's
 * settings first, then it connects an owned Aeron client when none was given; {@link #close()} closes only that owned
 * client.
 *
 * @param <C> the concrete context type returned by the fluent setters.
 */
public abstract class DiscoveryContext<C extends DiscoveryContext<C>> implements AutoCloseable
{
    private boolean isConcluded;
    private Aeron aeron;
    private boolean ownsAeronClient;
    private String aeronDirectoryName;
    private String requestChannel = DiscoveryConfiguration.requestChannel();
    private int requestStreamId = DiscoveryConfiguration.requestStreamId();
    private int fragmentLimit = DiscoveryConfiguration.FRAGMENT_LIMIT_DEFAULT;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;

    /**
     * Validate and fill defaults; connects an owned Aeron client if none was given. Runs once; later calls return
     * this context.
     *
     * @return this context.
     * @throws IllegalArgumentException naming the invalid setting and its value.
     */
    public C conclude()
    {
        if (isConcluded)
        {
            return self();
        }
        concludeSettings();
        if (null == aeron)
        {
            aeron = LoggingAeronClients.connect(aeronDirectoryName, getClass().getSimpleName());
            ownsAeronClient = true;
        }
        isConcluded = true;
        return self();
    }

    /**
     * Validate and default the subclass's settings (the request endpoint included); called once by
     * {@link #conclude()} before Aeron is connected, so a bad setting never leaves an owned client behind.
     *
     * @throws IllegalArgumentException naming the invalid setting and its value.
     */
    protected abstract void concludeSettings();

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

    /** Close the Aeron client if this context created it. */
    @Override
    public void close()
    {
        if (ownsAeronClient)
        {
            CloseHelper.close(aeron);
        }
    }

    /**
     * Aeron client to use; when unset, {@link #conclude()} connects one (to {@link #aeronDirectoryName()}).
     *
     * @param aeron the client, not closed by this context.
     * @return this context.
     */
    public C aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return self();
    }

    /**
     * The value set by {@link #aeron(Aeron)}, or after {@link #conclude()} the owned client.
     *
     * @return the client.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * Whether {@link #close()} closes the Aeron client; true only when {@link #conclude()} connected it.
     *
     * @return true when the client is owned.
     */
    public boolean ownsAeronClient()
    {
        return ownsAeronClient;
    }

    /**
     * Media driver directory for an owned client; null means Aeron's default.
     *
     * @param aeronDirectoryName the directory.
     * @return this context.
     */
    public C aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return self();
    }

    /**
     * The value set by {@link #aeronDirectoryName(String)} (or its default).
     *
     * @return the directory, null for Aeron's default.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * The request endpoint's channel: where a client sends requests and a provider receives them (the driver control
     * channel by default, Discovery §4.2, §13, or a registry's endpoint).
     *
     * @param requestChannel Aeron channel URI.
     * @return this context.
     */
    public C requestChannel(final String requestChannel)
    {
        this.requestChannel = requestChannel;
        return self();
    }

    /**
     * The value set by {@link #requestChannel(String)} (or its default).
     *
     * @return Aeron channel URI.
     */
    public String requestChannel()
    {
        return requestChannel;
    }

    /**
     * The request endpoint's stream id; defaults to the driver control stream id.
     *
     * @param requestStreamId Aeron stream id.
     * @return this context.
     */
    public C requestStreamId(final int requestStreamId)
    {
        this.requestStreamId = requestStreamId;
        return self();
    }

    /**
     * The value set by {@link #requestStreamId(int)} (or its default).
     *
     * @return Aeron stream id.
     */
    public int requestStreamId()
    {
        return requestStreamId;
    }

    /**
     * Fragments polled per subscription per poll or duty cycle; positive.
     *
     * @param fragmentLimit the limit.
     * @return this context.
     */
    public C fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return self();
    }

    /**
     * The value set by {@link #fragmentLimit(int)} (or its default).
     *
     * @return the limit.
     */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * Clock for deadlines, receipt times and expiry; inject a controllable one in tests.
     *
     * @param nanoClock the clock.
     * @return this context.
     */
    public C nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return self();
    }

    /**
     * The value set by {@link #nanoClock(NanoClock)} (or its default).
     *
     * @return the clock.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }
}
