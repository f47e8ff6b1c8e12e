package io.github.alexlab.train;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * The element types a safetensors file names in its header ("F32", "BF16", ...), each with the
 * ND4J type that holds it and its size in bytes. The 8-bit float types of the format (F8_E4M3,
 * F8_E5M2) have no ND4J counterpart and are left out.
 */
enum SafetensorsDtype {
    F64(DataType.DOUBLE, 8),
    F32(DataType.FLOAT, 4),
    F16(DataType.HALF, 2, DataType.FLOAT16),
    BF16(DataType.BFLOAT16, 2),
    I64(DataType.LONG, 8, DataType.INT64),
    I32(DataType.INT, 4, DataType.INT32),
    I16(DataType.SHORT, 2, DataType.INT16),
    I8(DataType.BYTE, 1, DataType.INT8),
    U64(DataType.UINT64, 8),
    U32(DataType.UINT32, 4),
    U16(DataType.UINT16, 2),
    U8(DataType.UBYTE, 1, DataType.UINT8),
    BOOL(DataType.BOOL, 1);

    final DataType nd4j;
    final int bytes;
    /** ND4J has two names for some types; its arrays report the first. */
    private final List<DataType> otherNames;

    SafetensorsDtype(DataType nd4j, int bytes, DataType... otherNames) {
        this.nd4j = nd4j;
        this.bytes = bytes;
        this.otherNames = List.of(otherNames);
    }

    /** The safetensors name of an ND4J type; throws for a type the format cannot hold (e.g. UTF8). */
    static SafetensorsDtype of(DataType type) {
        for (SafetensorsDtype dtype : values())
            if (dtype.nd4j == type || dtype.otherNames.contains(type))
                return dtype;
        throw new IllegalArgumentException("a safetensors file cannot hold " + type + " values");
    }

    /** The type named {@code name} in a header, or null when the format has no such type (or ND4J cannot hold it). */
    static SafetensorsDtype named(String name) {
        for (SafetensorsDtype dtype : values())
            if (dtype.name().equals(name))
                return dtype;
        return null;
    }

    /** "F64 (DOUBLE)": both names, for error messages. */
    String describe() {
        return name() + " (" + nd4j + ")";
    }
}
