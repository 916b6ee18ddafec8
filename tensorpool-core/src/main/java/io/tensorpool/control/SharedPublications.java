package io.tensorpool.control;

import io.aeron.Aeron;
import io.aeron.Publication;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The publications of one client, one per distinct (channel, stream id): logical streams configured on the same
 * endpoint are multiplexed on one publication (Wire §5, §15.11). Closes them all on {@link #close()}.
 */
public final class SharedPublications implements AutoCloseable
{
    private final Aeron aeron;
    private final Map<String, Publication> byEndpoint = new HashMap<>();
    private final List<Publication> all = new ArrayList<>();

    public SharedPublications(final Aeron aeron)
    {
        this.aeron = aeron;
    }

    /** The publication for this endpoint, added on first use. */
    public Publication publication(final String channel, final int streamId)
    {
        final String key = endpointKey(channel, streamId);
        Publication publication = byEndpoint.get(key);
        if (publication == null)
        {
            publication = aeron.addPublication(channel, streamId);
            byEndpoint.put(key, publication);
            all.add(publication);
        }
        return publication;
    }

    /** Key identifying an endpoint: channel and stream id. */
    public static String endpointKey(final String channel, final int streamId)
    {
        return channel + "#" + streamId;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(all);
        all.clear();
        byEndpoint.clear();
    }
}
