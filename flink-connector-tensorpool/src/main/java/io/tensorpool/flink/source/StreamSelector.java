package io.tensorpool.flink.source;

import io.tensorpool.flink.source.enumerator.DiscoveredStream;
import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which discovered streams a source reads: explicit stream ids, a data source name, tags, or a mix (all given
 * criteria must hold). Immutable.
 */
@PublicEvolving
public final class StreamSelector implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final Set<Integer> streamIds;
    private final String name;
    private final List<String> tags;

    private StreamSelector(final Set<Integer> streamIds, final String name, final List<String> tags)
    {
        this.streamIds = Set.copyOf(streamIds);
        this.name = name;
        this.tags = List.copyOf(tags);
    }

    /**
     * @param streamIds explicit stream ids (empty = any id).
     * @param name      data source name, or null for any name.
     * @param tags      tags every selected stream must carry (empty = no tag constraint).
     * @return the selector.
     */
    public static StreamSelector of(final Set<Integer> streamIds, final String name, final List<String> tags)
    {
        return new StreamSelector(streamIds, name, tags);
    }

    /**
     * @param stream a discovered stream.
     * @return true if every given criterion holds for it.
     */
    public boolean matches(final DiscoveredStream stream)
    {
        return (streamIds.isEmpty() || streamIds.contains(stream.streamId())) &&
            (name == null || name.equals(stream.name())) &&
            stream.tags().containsAll(tags);
    }

    /**
     * @return the explicit stream ids (empty = any).
     */
    public Set<Integer> streamIds()
    {
        return streamIds;
    }

    /**
     * @return the required data source name, or null.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the required tags.
     */
    public List<String> tags()
    {
        return tags;
    }

    /**
     * @return true if nothing but explicit stream ids is asked for.
     */
    public boolean onlyStreamIds()
    {
        return !streamIds.isEmpty() && name == null && tags.isEmpty();
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof StreamSelector))
        {
            return false;
        }
        final StreamSelector that = (StreamSelector)o;
        return streamIds.equals(that.streamIds) && Objects.equals(name, that.name) && tags.equals(that.tags);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(streamIds, name, tags);
    }

    @Override
    public String toString()
    {
        return "StreamSelector{ids=" + new TreeSet<>(streamIds) + " name=" + name + " tags=" + tags + "}";
    }
}
