package io.tensorpool.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The metadata of a data source at one {@code meta_version} (Wire §10.3): the data source name from
 * {@code DataSourceAnnounce}, and the attributes of {@code DataSourceMeta}, with the tags and data source id declared
 * as described in docs/DESIGN.md "Data source declaration". Immutable.
 */
public final class DataSourceMetadata
{
    private final int streamId;
    private final long metaVersion;
    private final String name;
    private final List<MetadataAttribute> attributes;

    public DataSourceMetadata(
        final int streamId, final long metaVersion, final String name, final List<MetadataAttribute> attributes)
    {
        this.streamId = streamId;
        this.metaVersion = metaVersion;
        this.name = name == null ? "" : name;
        this.attributes = List.copyOf(attributes);
    }

    public int streamId()
    {
        return streamId;
    }

    /** Unsigned u32 in a long. */
    public long metaVersion()
    {
        return metaVersion;
    }

    /** The data source name ({@code DataSourceAnnounce.name}), empty if none was announced yet. */
    public String name()
    {
        return name;
    }

    /** Every attribute in wire order, including the tag and data source id attributes. */
    public List<MetadataAttribute> attributes()
    {
        return attributes;
    }

    /** The values of every {@code tag} attribute. */
    public List<String> tags()
    {
        final List<String> tags = new ArrayList<>();
        for (final MetadataAttribute attribute : attributes)
        {
            if (MetadataAttribute.TAG_KEY.equals(attribute.key()))
            {
                tags.add(attribute.valueAsText());
            }
        }
        return tags;
    }

    /** The declared data source id, or -1 if none (or not a decimal number). */
    public long dataSourceId()
    {
        final MetadataAttribute attribute = attribute(MetadataAttribute.DATA_SOURCE_ID_KEY);
        if (attribute == null)
        {
            return -1;
        }
        try
        {
            return Long.parseLong(attribute.valueAsText());
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /** The first attribute with {@code key}, or null. */
    public MetadataAttribute attribute(final String key)
    {
        for (final MetadataAttribute attribute : attributes)
        {
            if (attribute.key().equals(key))
            {
                return attribute;
            }
        }
        return null;
    }

    DataSourceMetadata withName(final String newName)
    {
        return new DataSourceMetadata(streamId, metaVersion, newName, attributes);
    }

    @Override
    public String toString()
    {
        return "DataSourceMetadata{stream=" + Integer.toUnsignedString(streamId) + " metaVersion=" + metaVersion +
            " name=" + name + " attributes=" + attributes + "}";
    }
}
