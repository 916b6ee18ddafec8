package io.tensorpool.client;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.concurrent.AgentTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aeron clients that tensorpool connects on its users' behalf. Aeron's default error handler ends the JVM when the
 * media driver stops answering; inside an application server, a Flink TaskManager or any process hosting more than
 * this stream that would take everything down, so these clients log instead. The client then closes itself, and
 * its users (producer, consumer, SHM driver) fail from their next periodic duty ({@link #requireOpen}) instead of
 * polling closed subscriptions forever; the application decides what to do.
 */
public final class LoggingAeronClients
{
    private static final Logger LOG = LoggerFactory.getLogger(LoggingAeronClients.class);

    private LoggingAeronClients()
    {
    }

    /**
     * @param aeronDirectory the media driver's directory, or null for Aeron's default.
     * @param role           what the client is for, named in log lines.
     * @return a connected client whose errors are logged, never fatal to the JVM.
     */
    public static Aeron connect(final String aeronDirectory, final String role)
    {
        final Aeron.Context ctx = new Aeron.Context()
            .errorHandler(error ->
            {
                if (error instanceof DriverTimeoutException)
                {
                    LOG.error("tensorpool {}: media driver dir={} stopped answering; the Aeron client closes: {}",
                        role, aeronDirectory, error.toString());
                }
                else
                {
                    LOG.warn("tensorpool {}: Aeron client error dir={}", role, aeronDirectory, error);
                }
            });
        if (aeronDirectory != null)
        {
            ctx.aeronDirectoryName(aeronDirectory);
        }
        return Aeron.connect(ctx);
    }

    /**
     * Fail once a client is closed: by its media driver timing out (see above) or by its owner. A closed client's
     * subscriptions poll nothing and its publications refuse everything, so a user that carried on would look idle
     * forever. An {@link AgentTerminationException}, so an {@code AgentRunner} reports it once and stops the agent;
     * a caller driving the agent itself gets it from {@code poll} or {@code doWork}. Allocation-free unless it
     * throws.
     *
     * @param aeron the client a tensorpool agent works with.
     * @param user  the agent, named in the exception (e.g. {@code "consumer stream=1001"}).
     * @throws AgentTerminationException naming the user and the media driver directory.
     */
    public static void requireOpen(final Aeron aeron, final String user)
    {
        if (aeron.isClosed())
        {
            throw new AgentTerminationException(user + " cannot continue: its Aeron client is closed (the media driver in " +
                aeron.context().aeronDirectoryName() + " stopped answering, or the client was closed by its owner)");
        }
    }

    /**
     * {@link #requireOpen(Aeron, String)} for an agent of one stream, named {@code "<agent> stream=<id>"}; the name is
     * built only if the client is closed.
     */
    public static void requireOpen(final Aeron aeron, final String agent, final int streamId)
    {
        if (aeron.isClosed())
        {
            requireOpen(aeron, agent + " stream=" + Integer.toUnsignedString(streamId));
        }
    }
}
