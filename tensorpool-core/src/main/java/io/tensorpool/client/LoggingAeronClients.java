package io.tensorpool.client;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aeron clients that tensorpool connects on its users' behalf. Aeron's default error handler ends the JVM when the
 * media driver stops answering; inside an application server, a Flink TaskManager or any process hosting more than
 * this stream that would take everything down, so these clients log instead. The client then closes itself, its
 * users fail with an exception on their next call, and the application decides what to do.
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
}
