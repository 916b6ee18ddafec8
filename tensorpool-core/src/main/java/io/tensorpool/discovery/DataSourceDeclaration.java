package io.tensorpool.discovery;

import io.tensorpool.codecs.wire.DataSourceAnnounceEncoder;
import io.tensorpool.codecs.wire.DataSourceMetaEncoder;
import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a producer declares about its data source so discovery can find it (docs/DESIGN.md "Data source
 * declaration"): a name, tags and an optional numeric id. It travels in two existing wire messages on the metadata
 * stream, so nothing new goes on the wire:
 * <ul>
 *   <li>{@code DataSourceAnnounce} (Wire §10.3.1): {@code name} is the data source name;</li>
 *   <li>{@code DataSourceMeta} (Wire §10.3.2): one attribute per tag with key {@code tag}, format {@code text/plain}
 *   and the tag's bytes as value, and the id as key {@code data_source_id}, format {@code text/plain}, value its
 *   decimal digits.</li>
 * </ul>
 * Send the announce first, then the meta, both periodically (1 Hz, Wire §11) and after each epoch change, with the
 * epoch from the attach response: a provider treats a {@code DataSourceAnnounce} of a newer epoch as a new declaration
 * and waits for its {@code DataSourceMeta}. Immutable; encoding allocates nothing.
 */
public final class DataSourceDeclaration
{
    private static final byte[] TAG_KEY = "tag".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_KEY = "data_source_id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_PLAIN = "text/plain".getBytes(StandardCharsets.US_ASCII);

    private final byte[] name;
    private final byte[][] tags;
    private final long dataSourceId;
    private final byte[] dataSourceIdText;
    private final DataSourceAnnounceEncoder announceEncoder = new DataSourceAnnounceEncoder();
    private final DataSourceMetaEncoder metaEncoder = new DataSourceMetaEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    /**
     * @param name         data source name, at most {@link DiscoveryQuery#MAX_NAME_LENGTH} bytes; empty for none.
     * @param tags         tags, each 1..{@link DiscoveryQuery#MAX_TAG_LENGTH} bytes, at most
     *                     {@link DiscoveryQuery#MAX_TAGS} distinct; duplicates collapse.
     * @param dataSourceId the id, or empty.
     * @throws IllegalArgumentException naming the field and value if a bound is exceeded.
     */
    public DataSourceDeclaration(final String name, final Collection<String> tags, final OptionalLong dataSourceId)
    {
        // The builder enforces exactly the bounds a provider applies.
        final DiscoveryQuery check = DiscoveryQuery.builder().dataSourceName(name).tags(tags).build();
        this.name = WireText.toBytes("name", name);
        this.tags = new byte[check.tags().size()][];
        int i = 0;
        for (final String tag : check.tags())
        {
            this.tags[i++] = WireText.toBytes("tag", tag);
        }
        Objects.requireNonNull(dataSourceId, "dataSourceId");
        if (dataSourceId.isPresent() && dataSourceId.getAsLong() == DiscoveryQuery.NULL_U64)
        {
            throw new IllegalArgumentException("dataSourceId 18446744073709551615 is the wire null value");
        }
        this.dataSourceId = dataSourceId.orElse(DiscoveryQuery.NULL_U64);
        this.dataSourceIdText = dataSourceId.isPresent() ?
            Long.toUnsignedString(dataSourceId.getAsLong()).getBytes(StandardCharsets.US_ASCII) : null;
    }

    /** The declared name. */
    public String name()
    {
        return WireText.toString(name);
    }

    /** The distinct declared tags. */
    public Set<String> tags()
    {
        final LinkedHashSet<String> set = new LinkedHashSet<>();
        for (final byte[] tag : tags)
        {
            set.add(WireText.toString(tag));
        }
        return set;
    }

    /** The declared id, if any. */
    public OptionalLong dataSourceId()
    {
        return dataSourceId == DiscoveryQuery.NULL_U64 ? OptionalLong.empty() : OptionalLong.of(dataSourceId);
    }

    /**
     * Encode the {@code DataSourceAnnounce} (message header included) at {@code offset}.
     *
     * @param summary optional dtype/shape summary text (Wire §10.3.1); empty for none.
     * @return encoded length.
     */
    public int encodeAnnounce(
        final MutableDirectBuffer buffer, final int offset, final int streamId, final int producerId,
        final long epoch, final int metaVersion, final String summary)
    {
        final DataSourceAnnounceEncoder e = announceEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .streamId(streamId & 0xFFFF_FFFFL)
            .producerId(producerId & 0xFFFF_FFFFL)
            .epoch(epoch)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .putName(name, 0, name.length)
            .summary(summary);
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    /**
     * Encode the {@code DataSourceMeta} (message header included) carrying the tags and id at {@code offset}.
     *
     * @return encoded length.
     */
    public int encodeMeta(
        final MutableDirectBuffer buffer, final int offset, final int streamId, final int metaVersion,
        final long timestampNs)
    {
        final DataSourceMetaEncoder e = metaEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .streamId(streamId & 0xFFFF_FFFFL)
            .metaVersion(metaVersion & 0xFFFF_FFFFL)
            .timestampNs(timestampNs);
        final DataSourceMetaEncoder.AttributesEncoder attributes =
            e.attributesCount(tags.length + (null == dataSourceIdText ? 0 : 1));
        for (final byte[] tag : tags)
        {
            attributes.next()
                .putKey(TAG_KEY, 0, TAG_KEY.length)
                .putFormat(TEXT_PLAIN, 0, TEXT_PLAIN.length)
                .putValue(tag, 0, tag.length);
        }
        if (null != dataSourceIdText)
        {
            attributes.next()
                .putKey(ID_KEY, 0, ID_KEY.length)
                .putFormat(TEXT_PLAIN, 0, TEXT_PLAIN.length)
                .putValue(dataSourceIdText, 0, dataSourceIdText.length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }
}
