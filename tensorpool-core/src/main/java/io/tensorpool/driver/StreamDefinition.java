package io.tensorpool.driver;

import java.util.Objects;

/** A statically configured stream (Driver §17 {@code streams.<name>}): its id and the profile it uses. Immutable. */
public final class StreamDefinition
{
    private final String name;
    private final int streamId;
    private final String profile;

    public StreamDefinition(final String name, final int streamId, final String profile)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.streamId = streamId;
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    public String name()
    {
        return name;
    }

    /** The stream id, unsigned 32-bit. */
    public int streamId()
    {
        return streamId;
    }

    public String profile()
    {
        return profile;
    }

    @Override
    public String toString()
    {
        return "Stream{" + name + " id=" + Integer.toUnsignedString(streamId) + " profile=" + profile + "}";
    }
}
