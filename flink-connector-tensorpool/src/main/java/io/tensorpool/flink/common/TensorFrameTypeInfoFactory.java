package io.tensorpool.flink.common;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Lets Flink's type extraction find {@link TensorFrameTypeInfo} for {@link TensorFrame} (through its
 * {@code @TypeInfo} annotation), so user functions returning frames never fall back to Kryo.
 */
@PublicEvolving
public final class TensorFrameTypeInfoFactory extends TypeInfoFactory<TensorFrame>
{
    /**
     * Always {@link TensorFrameTypeInfo#INSTANCE}.
     */
    @Override
    public TypeInformation<TensorFrame> createTypeInfo(final Type t, final Map<String, TypeInformation<?>> params)
    {
        return TensorFrameTypeInfo.INSTANCE;
    }
}
