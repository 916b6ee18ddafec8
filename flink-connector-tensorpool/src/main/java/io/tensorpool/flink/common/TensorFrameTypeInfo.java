package io.tensorpool.flink.common;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information for {@link TensorFrame}: an opaque single-field type serialized by {@link TensorFrameSerializer}.
 */
@PublicEvolving
public final class TensorFrameTypeInfo extends TypeInformation<TensorFrame>
{
    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final TensorFrameTypeInfo INSTANCE = new TensorFrameTypeInfo();

    private TensorFrameTypeInfo()
    {
    }

    /**
     * Not a basic type.
     */
    @Override
    public boolean isBasicType()
    {
        return false;
    }

    /**
     * Not a tuple.
     */
    @Override
    public boolean isTupleType()
    {
        return false;
    }

    /**
     * One opaque field.
     */
    @Override
    public int getArity()
    {
        return 1;
    }

    /**
     * One opaque field.
     */
    @Override
    public int getTotalFields()
    {
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Class<TensorFrame> getTypeClass()
    {
        return TensorFrame.class;
    }

    /**
     * Frames are not keys: key by a field (stream id, seq) instead.
     */
    @Override
    public boolean isKeyType()
    {
        return false;
    }

    /**
     * Always {@link TensorFrameSerializer#INSTANCE}; the config is not consulted.
     */
    @Override
    public TypeSerializer<TensorFrame> createSerializer(final SerializerConfig config)
    {
        return TensorFrameSerializer.INSTANCE;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "TensorFrame";
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object obj)
    {
        return obj instanceof TensorFrameTypeInfo;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return TensorFrameTypeInfo.class.hashCode();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean canEqual(final Object obj)
    {
        return obj instanceof TensorFrameTypeInfo;
    }
}
