package io.tensorpool.flink.source;

import org.apache.flink.annotation.PublicEvolving;

import java.util.List;

/**
 * The data source metadata in force for a frame: the {@code DataSourceAnnounce} name and the {@code DataSourceMeta}
 * attributes of the frame's {@code meta_version} (Wire §10.3). When the consumer has not (yet) received that version
 * the metadata is {@link #EMPTY}-like: no name, no attributes, and {@link #known()} false.
 */
@PublicEvolving
public interface FrameMetadata
{
    /** Metadata of a version the consumer has not received. */
    FrameMetadata EMPTY = new FrameMetadata()
    {
        @Override
        public boolean known()
        {
            return false;
        }

        @Override
        public long metaVersion()
        {
            return -1;
        }

        @Override
        public String name()
        {
            return "";
        }

        @Override
        public List<String> tags()
        {
            return List.of();
        }

        @Override
        public byte[] attribute(final String key)
        {
            return null;
        }
    };

    /**
     * @return true if this is the metadata of the frame's version, false if that version is not known.
     */
    boolean known();

    /**
     * @return the meta version (u32 in a long), -1 if unknown.
     */
    long metaVersion();

    /**
     * @return the data source name, empty if none.
     */
    String name();

    /**
     * @return the declared tags.
     */
    List<String> tags();

    /**
     * @param key an attribute key.
     * @return the value of the first attribute with that key, or null. Callers must not modify it.
     */
    byte[] attribute(String key);

    /**
     * @param key an attribute key.
     * @return the value of the first attribute with that key as ASCII/UTF-8 text, or null.
     */
    default String attributeText(final String key)
    {
        final byte[] value = attribute(key);
        return value == null ? null : new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
