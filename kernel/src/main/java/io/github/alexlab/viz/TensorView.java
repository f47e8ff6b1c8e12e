package io.github.alexlab.viz;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A short, numpy-like view of an {@link INDArray}: a header line (shape, data type, device, and
 * min / max / mean of numeric arrays) and a preview of at most a few hundred entries, as text or
 * HTML. Long dimensions show their first and last {@value #EDGE} entries around an ellipsis, so
 * a 30-million-entry array costs no more to show than a small one (apart from its statistics,
 * which ND4J computes natively).
 * <p>
 * Rank 3 and up is shown as labelled [H, W] slices: {@code [0, 1, :, :]} is image 0, channel 1.
 */
public final class TensorView {
    /** Entries shown at each end of a long dimension of a matrix (so at most 6 per dimension). */
    static final int EDGE = 3;
    /** At most this many [H, W] slices of a rank 3+ array (each at most 6 x 6 numbers). */
    static final int MAX_SLICES = 12;
    /** Marks an elided run of indices in a {@link #pick} list. */
    private static final long GAP = -1;

    private TensorView() {}

    // ---- the header -----------------------------------------------------------------------------

    /** {@code INDArray [3, 4] · FLOAT · CPU · min 0 · max 11 · mean 5.5} */
    public static String header(INDArray a) {
        StringBuilder s = new StringBuilder("INDArray ");
        s.append(a.rank() == 0 ? "scalar" : Arrays.toString(a.shape()));
        s.append(" · ").append(a.dataType()).append(" · CPU");
        if (a.isEmpty())
            s.append(" · empty");
        else if (a.rank() > 0 && a.dataType().isNumerical())
            s.append(statistics(a));
        return s.toString();
    }

    private static String statistics(INDArray a) {
        try {
            return " · min " + Numbers.compact(a.minNumber().doubleValue())
                    + " · max " + Numbers.compact(a.maxNumber().doubleValue())
                    + " · mean " + Numbers.compact(a.meanNumber().doubleValue());
        } catch (RuntimeException notForThisType) {
            return ""; // the header still says what the array is
        }
    }

    // ---- text -----------------------------------------------------------------------------------

    /** The header, then the preview: {@code [[0, 1, 2, 3], ...]}, slices labelled for rank 3+. */
    public static String text(INDArray a) {
        StringBuilder s = new StringBuilder(header(a));
        if (a.isEmpty())
            return s.toString();
        s.append('\n');
        int rank = a.rank();
        if (rank == 0)
            return s.append(element(a, new long[0])).toString();
        if (rank <= 2)
            return s.append(matrixText(a, new long[0])).toString();
        for (long[] lead : slices(a)) {
            if (lead == null)
                s.append("…\n");
            else
                s.append(sliceLabel(lead)).append(" =\n").append(matrixText(a, lead)).append('\n');
        }
        return s.toString().stripTrailing();
    }

    /** The last one or two dimensions below the leading indices {@code lead}, numpy style. */
    private static String matrixText(INDArray a, long[] lead) {
        boolean vector = a.rank() - lead.length == 1;
        long[] rows = vector ? new long[]{0} : pick(a.size(lead.length), EDGE);
        long[] cols = pick(a.size(a.rank() - 1), EDGE);
        String[][] cells = cells(a, lead, rows, cols, vector);
        int width = 1;
        for (String[] row : cells)
            for (String cell : row)
                width = Math.max(width, cell.length());
        StringBuilder s = new StringBuilder(vector ? "" : "[");
        for (int r = 0; r < rows.length; r++) {
            if (r > 0)
                s.append(",\n ");
            if (rows[r] == GAP) {
                s.append('…');
                continue;
            }
            s.append('[');
            for (int c = 0; c < cols.length; c++) {
                if (c > 0)
                    s.append(", ");
                s.append(pad(cells[r][c], width));
            }
            s.append(']');
        }
        return s.append(vector ? "" : "]").toString();
    }

    // ---- HTML -----------------------------------------------------------------------------------

    /** The header and a table of values (rank 1-2), or a row of labelled slice tables (rank 3+). */
    public static String html(INDArray a) {
        StringBuilder s = new StringBuilder("<div class=\"alexlab-tensor\">");
        s.append("<div style=\"font-family:monospace;margin-bottom:0.3em\">")
                .append(Escape.html(header(a))).append("</div>");
        int rank = a.rank();
        if (a.isEmpty()) {
            // the header says it all
        } else if (rank == 0) {
            s.append("<div style=\"font-family:monospace\">").append(Escape.html(element(a, new long[0]))).append("</div>");
        } else if (rank <= 2) {
            s.append(matrixHtml(a, new long[0]));
        } else {
            for (long[] lead : slices(a)) {
                s.append("<div style=\"display:inline-block;vertical-align:top;margin:0 1.2em 0.6em 0\">");
                if (lead == null)
                    s.append("<div style=\"font-family:monospace;padding-top:2em\">…</div>");
                else
                    s.append("<div style=\"font-family:monospace\">").append(sliceLabel(lead)).append("</div>")
                            .append(matrixHtml(a, lead));
                s.append("</div>");
            }
        }
        return s.append("</div>").toString();
    }

    private static String matrixHtml(INDArray a, long[] lead) {
        boolean vector = a.rank() - lead.length == 1;
        long[] rows = vector ? new long[]{0} : pick(a.size(lead.length), EDGE);
        long[] cols = pick(a.size(a.rank() - 1), EDGE);
        String[][] cells = cells(a, lead, rows, cols, vector);
        String index = "<th style=\"color:#888;font-weight:normal;text-align:right\">";
        StringBuilder s = new StringBuilder("<table style=\"font-family:monospace;margin:0\"><thead><tr>");
        if (!vector)
            s.append("<th></th>");
        for (long c : cols)
            s.append(index).append(c == GAP ? "⋯" : String.valueOf(c)).append("</th>");
        s.append("</tr></thead><tbody>");
        for (int r = 0; r < rows.length; r++) {
            s.append("<tr>");
            if (!vector)
                s.append(index).append(rows[r] == GAP ? "⋮" : String.valueOf(rows[r])).append("</th>");
            for (int c = 0; c < cols.length; c++) {
                String cell = rows[r] == GAP ? (cols[c] == GAP ? "⋱" : "⋮") : cols[c] == GAP ? "⋯" : cells[r][c];
                s.append("<td style=\"text-align:right\">").append(Escape.html(cell)).append("</td>");
            }
            s.append("</tr>");
        }
        return s.append("</tbody></table>").toString();
    }

    // ---- shared: which entries, and how they read -----------------------------------------------

    /**
     * The indices shown of a dimension of size {@code n}: all of them when there are at most
     * {@code 2 * edge}, otherwise the first and last {@code edge} around a {@link #GAP}.
     */
    static long[] pick(long n, int edge) {
        if (n <= 2L * edge) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++)
                all[i] = i;
            return all;
        }
        long[] some = new long[2 * edge + 1];
        for (int i = 0; i < edge; i++) {
            some[i] = i;
            some[edge + 1 + i] = n - edge + i;
        }
        some[edge] = GAP;
        return some;
    }

    /**
     * The leading indices of the [H, W] slices shown for a rank 3+ array, in order; null stands for
     * an elided run. Fewer ends of each leading dimension are shown as the rank grows, so that
     * [64, 3, 28, 28] shows images 0, 1, 62, 63 (all channels), and never more than
     * {@value #MAX_SLICES} slices.
     */
    static List<long[]> slices(INDArray a) {
        int leading = a.rank() - 2;
        int edge = EDGE;
        while (edge > 1 && sliceCount(a, leading, edge) > MAX_SLICES)
            edge--;
        long[][] picks = new long[leading][];
        for (int d = 0; d < leading; d++)
            picks[d] = pick(a.size(d), edge);
        List<long[]> out = new ArrayList<>();
        int shown = 0;
        int[] at = new int[leading];
        while (true) {
            long[] lead = new long[leading];
            boolean gap = false;
            for (int d = 0; d < leading; d++) {
                lead[d] = picks[d][at[d]];
                gap |= lead[d] == GAP;
            }
            if (gap) {
                if (out.isEmpty() || out.get(out.size() - 1) != null)
                    out.add(null);
            } else if (shown < MAX_SLICES) {
                out.add(lead);
                shown++;
            } else {
                if (out.get(out.size() - 1) != null)
                    out.add(null);
                break;
            }
            int d = leading - 1; // next index combination, the last dimension fastest
            while (d >= 0 && ++at[d] == picks[d].length)
                at[d--] = 0;
            if (d < 0)
                break;
        }
        return out;
    }

    private static long sliceCount(INDArray a, int leading, int edge) {
        long count = 1;
        for (int d = 0; d < leading; d++)
            count *= Math.min(a.size(d), 2L * edge);
        return count;
    }

    /** {@code [0, 1, :, :]} */
    private static String sliceLabel(long[] lead) {
        StringBuilder s = new StringBuilder("[");
        for (long i : lead)
            s.append(i).append(", ");
        return s.append(":, :]").toString();
    }

    /** The formatted entries at the chosen rows and columns below {@code lead}; gaps are "…". */
    private static String[][] cells(INDArray a, long[] lead, long[] rows, long[] cols, boolean vector) {
        String[][] cells = new String[rows.length][cols.length];
        long[] index = Arrays.copyOf(lead, a.rank());
        for (int r = 0; r < rows.length; r++)
            for (int c = 0; c < cols.length; c++) {
                if (rows[r] == GAP || cols[c] == GAP) {
                    cells[r][c] = "…";
                    continue;
                }
                if (!vector)
                    index[a.rank() - 2] = rows[r];
                index[a.rank() - 1] = cols[c];
                cells[r][c] = element(a, index);
            }
        return cells;
    }

    /** One entry, written as its type reads best: 0.1235, 42, true, a string. */
    static String element(INDArray a, long[] index) {
        DataType type = a.dataType();
        if (type == DataType.UTF8)
            return a.getString(linearIndex(a, index));
        if (a.rank() == 0)
            return type == DataType.BOOL ? String.valueOf(a.getDouble(0L) != 0)
                    : type.isIntType() ? String.valueOf(a.getLong(0L)) : Numbers.compact(a.getDouble(0L));
        if (type == DataType.BOOL)
            return String.valueOf(a.getDouble(index) != 0);
        if (type.isIntType())
            return String.valueOf(a.getLong(index));
        return Numbers.compact(a.getDouble(index));
    }

    private static long linearIndex(INDArray a, long[] index) {
        long linear = 0;
        for (int d = 0; d < index.length; d++)
            linear = linear * a.size(d) + index[d];
        return linear;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
