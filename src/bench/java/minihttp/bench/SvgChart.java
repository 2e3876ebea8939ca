package minihttp.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A horizontal grouped bar chart as plain SVG text: one group of bars per label, one bar per series. */
final class SvgChart {

    /** One bar per label; NaN where there is no figure (drawn as "n/a"). */
    record Series(String name, String color, double[] values) {}

    private static final int MARGIN = 8;
    private static final int TITLE_BASELINE = 20;
    private static final int LEGEND_TOP = 30;
    private static final int LEGEND_BOX = 12;
    private static final int LEGEND_SPACING = 260;
    private static final int LABEL_WIDTH = 220;
    private static final int BAR_AREA = 460;
    private static final int VALUE_WIDTH = 110;
    private static final int WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH;
    private static final int TOP = 56;
    private static final int BAR_HEIGHT = 14;
    private static final int BAR_GAP = 2;
    private static final int GROUP_GAP = 12;
    private static final int BOTTOM = 16;
    /** About half the 12 px font: moves a baseline so the text centres on a point. */
    private static final int TEXT_MIDDLE = 4;

    private SvgChart() {}

    static String render(String title, List<String> labels, List<Series> series) {
        double max = series.stream().flatMapToDouble(s -> Arrays.stream(s.values()))
                .filter(v -> !Double.isNaN(v)).max().orElse(0);
        int bars = series.size() * (BAR_HEIGHT + BAR_GAP);
        int group = bars + GROUP_GAP;
        int height = TOP + labels.size() * group + BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, height, WIDTH, height));
        svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(format("<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                MARGIN, TITLE_BASELINE, escape(title)));
        for (int s = 0; s < series.size(); s++) {
            int x = LABEL_WIDTH + s * LEGEND_SPACING;
            svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x, LEGEND_TOP,
                    LEGEND_BOX, LEGEND_BOX, series.get(s).color()));
            svg.append(format("<text x=\"%d\" y=\"%d\">%s</text>%n", x + LEGEND_BOX + TEXT_MIDDLE,
                    LEGEND_TOP + LEGEND_BOX / 2 + TEXT_MIDDLE, escape(series.get(s).name())));
        }
        for (int l = 0; l < labels.size(); l++) {
            int groupTop = TOP + l * group;
            svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL_WIDTH - MARGIN,
                    groupTop + bars / 2 + TEXT_MIDDLE, escape(labels.get(l))));
            for (int s = 0; s < series.size(); s++) {
                double value = series.get(s).values()[l];
                int y = groupTop + s * (BAR_HEIGHT + BAR_GAP);
                int width = Double.isNaN(value) || max == 0 ? 0 : (int) Math.round(value / max * BAR_AREA);
                svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                        LABEL_WIDTH, y, width, BAR_HEIGHT, series.get(s).color()));
                svg.append(format("<text x=\"%d\" y=\"%d\">%s</text>%n", LABEL_WIDTH + width + TEXT_MIDDLE,
                        y + BAR_HEIGHT / 2 + TEXT_MIDDLE, Double.isNaN(value) ? "n/a" : format("%,.0f", value)));
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
