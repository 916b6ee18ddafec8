package io.tensorpool.flink.common;

import org.apache.flink.annotation.Internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The name this JVM's host goes by when no driver instance id or explicit host id is configured: the same default a
 * driver uses for its instance id, so a split's owner and a reader's identity agree without configuration.
 */
@Internal
public final class HostIdentity
{
    private HostIdentity()
    {
    }

    /**
     * @return the local host name, or {@code localhost} if the resolver cannot tell.
     */
    public static String localHostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final UnknownHostException ex)
        {
            final String env = System.getenv("HOSTNAME");
            return env != null && !env.isBlank() ? env : "localhost";
        }
    }

    /**
     * @param configured a configured host id, or null/blank.
     * @return {@code configured} if given, else {@link #localHostName()}.
     */
    public static String resolve(final String configured)
    {
        return configured != null && !configured.isBlank() ? configured : localHostName();
    }
}
