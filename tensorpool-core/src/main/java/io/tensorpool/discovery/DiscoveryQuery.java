package io.tensorpool.discovery;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The filters of one {@code DiscoveryRequest} (Discovery §5.1): stream id, producer id, data source id, data source
 * name and tags, combined with AND semantics. An unset filter matches everything, so {@link #all()} matches every
 * stream. Names and tags compare byte for byte and case-sensitively; duplicate tags collapse into one.
 * <p>
 * Immutable and thread-safe. The same object filters results locally ({@link #matches(DiscoveredStream)}), so a cached
 * {@link DiscoveryResult} can be narrowed without asking the provider again.
 */
public final class DiscoveryQuery
{
    /** Longest data source name a request may carry (Discovery §5.1 "SHOULD be at most 256 bytes"). */
    public static final int MAX_NAME_LENGTH = 256;
    /** Longest tag a request may carry; same bound as names. */
    public static final int MAX_TAG_LENGTH = 256;
    /** Most distinct tags a request may carry. */
    public static final int MAX_TAGS = 64;

    /** Wire null value of the optional u32 filters; also the reason 0xFFFFFFFF cannot be used as a filter value. */
    static final int NULL_U32 = 0xFFFF_FFFF;
    /** Wire null value of the optional u64 {@code dataSourceId}. */
    static final long NULL_U64 = 0xFFFF_FFFF_FFFF_FFFFL;

    private static final DiscoveryQuery ALL = new Builder().build();

    private final int streamId;
    private final int producerId;
    private final long dataSourceId;
    private final String dataSourceName;
    private final Set<String> tags;

    private DiscoveryQuery(final Builder builder)
    {
        this.streamId = builder.streamId;
        this.producerId = builder.producerId;
        this.dataSourceId = builder.dataSourceId;
        this.dataSourceName = builder.dataSourceName;
        this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(builder.tags));
    }

    private DiscoveryQuery(
        final int streamId,
        final int producerId,
        final long dataSourceId,
        final String dataSourceName,
        final Set<String> tags)
    {
        this.streamId = streamId;
        this.producerId = producerId;
        this.dataSourceId = dataSourceId;
        this.dataSourceName = dataSourceName;
        this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(tags));
    }

    /** A query as decoded from the wire: null sentinels mean unset, bounds already checked by the caller. */
    static DiscoveryQuery fromWire(
        final int streamId,
        final int producerId,
        final long dataSourceId,
        final String dataSourceName,
        final Set<String> tags)
    {
        return new DiscoveryQuery(streamId, producerId, dataSourceId, dataSourceName, tags);
    }

    /** A query without filters: every stream the provider knows (subject to its result cap). */
    public static DiscoveryQuery all()
    {
        return ALL;
    }

    /** A new builder with no filters set. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** Shorthand for a query on one stream id. */
    public static DiscoveryQuery byStreamId(final int streamId)
    {
        return builder().streamId(streamId).build();
    }

    /** Shorthand for a query on one data source name. */
    public static DiscoveryQuery byName(final String dataSourceName)
    {
        return builder().dataSourceName(dataSourceName).build();
    }

    /** Shorthand for a query on tags, all of which must be present. */
    public static DiscoveryQuery byTags(final String... tags)
    {
        return builder().tags(tags).build();
    }

    /** Whether the stream id filter is set. */
    public boolean hasStreamId()
    {
        return streamId != NULL_U32;
    }

    /** The stream id filter (u32 bits); meaningful only when {@link #hasStreamId()}. */
    public int streamId()
    {
        return streamId;
    }

    /** Whether the producer id filter is set. */
    public boolean hasProducerId()
    {
        return producerId != NULL_U32;
    }

    /** The producer id filter (u32 bits); meaningful only when {@link #hasProducerId()}. */
    public int producerId()
    {
        return producerId;
    }

    /** The data source id filter, empty when unset. */
    public OptionalLong dataSourceId()
    {
        return dataSourceId == NULL_U64 ? OptionalLong.empty() : OptionalLong.of(dataSourceId);
    }

    /** The data source name filter, empty when unset (Discovery §5.0: length 0 means not provided). */
    public String dataSourceName()
    {
        return dataSourceName;
    }

    /** The distinct tags that must all be present, in the order first given. */
    public Set<String> tags()
    {
        return tags;
    }

    /** Whether no filter is set. */
    public boolean isUnfiltered()
    {
        return !hasStreamId() && !hasProducerId() && dataSourceId == NULL_U64 && dataSourceName.isEmpty() &&
            tags.isEmpty();
    }

    /** Whether {@code stream} passes every set filter (AND semantics, byte-exact names, case-sensitive tags). */
    public boolean matches(final DiscoveredStream stream)
    {
        if (hasStreamId() && stream.streamId() != streamId)
        {
            return false;
        }
        if (hasProducerId() && stream.producerId() != producerId)
        {
            return false;
        }
        if (dataSourceId != NULL_U64 &&
            (stream.dataSourceId().isEmpty() || stream.dataSourceId().getAsLong() != dataSourceId))
        {
            return false;
        }
        if (!dataSourceName.isEmpty() && !dataSourceName.equals(stream.dataSourceName()))
        {
            return false;
        }
        return stream.tags().containsAll(tags);
    }

    /** The subset of {@code streams} this query matches, in their original order. */
    public List<DiscoveredStream> filter(final Collection<DiscoveredStream> streams)
    {
        return streams.stream().filter(this::matches).collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    /** Raw data source id filter including the null sentinel, for encoding. */
    long dataSourceIdRaw()
    {
        return dataSourceId;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DiscoveryQuery))
        {
            return false;
        }
        final DiscoveryQuery that = (DiscoveryQuery)o;
        return streamId == that.streamId && producerId == that.producerId && dataSourceId == that.dataSourceId &&
            dataSourceName.equals(that.dataSourceName) && tags.equals(that.tags);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(streamId, producerId, dataSourceId, dataSourceName, tags);
    }

    @Override
    public String toString()
    {
        return "DiscoveryQuery{" +
            "streamId=" + (hasStreamId() ? Integer.toUnsignedString(streamId) : "any") +
            ", producerId=" + (hasProducerId() ? Integer.toUnsignedString(producerId) : "any") +
            ", dataSourceId=" + (dataSourceId == NULL_U64 ? "any" : Long.toUnsignedString(dataSourceId)) +
            ", dataSourceName=" + (dataSourceName.isEmpty() ? "any" : "'" + dataSourceName + "'") +
            ", tags=" + tags + '}';
    }

    /**
     * Builds a {@link DiscoveryQuery}. Each setter validates its argument and throws {@link IllegalArgumentException}
     * naming the field and the value, so a query that would be rejected by a provider fails before it is sent.
     */
    public static final class Builder
    {
        private int streamId = NULL_U32;
        private int producerId = NULL_U32;
        private long dataSourceId = NULL_U64;
        private String dataSourceName = "";
        private final LinkedHashSet<String> tags = new LinkedHashSet<>();

        private Builder()
        {
        }

        /** Only streams with this stream id (u32 bits; 0xFFFFFFFF is the wire null value and rejected). */
        public Builder streamId(final int streamId)
        {
            if (streamId == NULL_U32)
            {
                throw new IllegalArgumentException("streamId 4294967295 is the wire null value and cannot be queried");
            }
            this.streamId = streamId;
            return this;
        }

        /** Only streams of this producer id (u32 bits; 0xFFFFFFFF is the wire null value and rejected). */
        public Builder producerId(final int producerId)
        {
            if (producerId == NULL_U32)
            {
                throw new IllegalArgumentException(
                    "producerId 4294967295 is the wire null value and cannot be queried");
            }
            this.producerId = producerId;
            return this;
        }

        /** Only streams declaring this data source id (u64 bits; all ones is the wire null value and rejected). */
        public Builder dataSourceId(final long dataSourceId)
        {
            if (dataSourceId == NULL_U64)
            {
                throw new IllegalArgumentException(
                    "dataSourceId 18446744073709551615 is the wire null value and cannot be queried");
            }
            this.dataSourceId = dataSourceId;
            return this;
        }

        /** Only streams whose data source name equals {@code name} byte for byte; empty clears the filter. */
        public Builder dataSourceName(final String name)
        {
            Objects.requireNonNull(name, "dataSourceName");
            checkText("dataSourceName", name, MAX_NAME_LENGTH);
            this.dataSourceName = name;
            return this;
        }

        /** Add a tag that must be present (case-sensitive); adding the same tag twice has no further effect. */
        public Builder tag(final String tag)
        {
            Objects.requireNonNull(tag, "tag");
            if (tag.isEmpty())
            {
                throw new IllegalArgumentException("tag must not be empty");
            }
            checkText("tag", tag, MAX_TAG_LENGTH);
            if (!tags.contains(tag) && tags.size() == MAX_TAGS)
            {
                throw new IllegalArgumentException("more than " + MAX_TAGS + " distinct tags: " + tag);
            }
            tags.add(tag);
            return this;
        }

        /** Add several tags, see {@link #tag(String)}. */
        public Builder tags(final String... tags)
        {
            for (final String tag : tags)
            {
                tag(tag);
            }
            return this;
        }

        /** Add several tags, see {@link #tag(String)}. */
        public Builder tags(final Collection<String> tags)
        {
            for (final String tag : tags)
            {
                tag(tag);
            }
            return this;
        }

        /** The immutable query. */
        public DiscoveryQuery build()
        {
            return new DiscoveryQuery(this);
        }

        private static void checkText(final String what, final String text, final int maxLength)
        {
            if (text.length() > maxLength)
            {
                throw new IllegalArgumentException(what + " is " + text.length() + " bytes, longer than " +
                    maxLength + ": " + text.substring(0, 32) + "...");
            }
            WireText.toBytes(what, text);
        }
    }
}
