package io.tensorpool.flink.common;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aeron clients the connector opens inside Flink processes. Aeron's default error handler ends the JVM when the media
 * driver stops answering; in a TaskManager or JobManager that would take every job on it down, so these clients log
 * instead. The client then closes itself, its users fail with an exception, and Flink's failover takes over.
 */
@Internal
public final class ConnectorAeron
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorAeron.class);

    private ConnectorAeron()
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
                    LOG.error("tensorpool {}: media driver dir={} stopped answering; the Aeron client closes and " +
                        "the task fails over: {}", role, aeronDirectory, error.toString());
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
