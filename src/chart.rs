//! `quotestance chart`: tone over time per speaker, as SVG or PNG (plotters).
//!
//! One line per speaker through the monthly mean `tone_score` (from [`crate::summary::monthly`]),
//! each point labelled with its number of quotes, on a fixed −1…+1 scale with the neutral band
//! (±0.05) shaded, so that charts of different runs compare. The format follows the file name
//! (`.svg` or `.png`). The font (DejaVu Sans) is compiled in, so the PNG needs no system fonts.
//! The file is drawn under a temporary name beside the target and renamed when complete.

use crate::summary::MonthlySeries;
use anyhow::{anyhow, bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// Picture size in pixels.
pub const SIZE: (u32, u32) = (1000, 560);

/// Line colours (the Tableau 10 palette: distinct, and readable on white).
const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44), RGBColor(214, 39, 40), RGBColor(148, 103, 189),
    RGBColor(140, 86, 75), RGBColor(227, 119, 194), RGBColor(127, 127, 127), RGBColor(188, 189, 34), RGBColor(23, 190, 207),
];

/// Months since year 0, for the x axis.
fn month_index(ym: &str) -> Option<i32> {
    let (y, m) = ym.split_once('-')?;
    Some(y.parse::<i32>().ok()? * 12 + m.parse::<i32>().ok()? - 1)
}

fn month_label(i: i32) -> String {
    format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            // A valid TrueType file shipped in the dejavu crate: registration cannot fail.
            let _ = plotters::style::register_font("sans-serif", style, dejavu::sans::regular());
        }
    });
}

/// Draws the chart into `path` (`.svg` or `.png`). `title` goes above the plot.
pub fn draw(series: &[MonthlySeries], title: &str, path: &Path) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if ext != "svg" && ext != "png" {
        bail!("{}: the chart is written as .svg or .png (by the file name)", path.display());
    }
    if series.iter().all(|(_, _, points)| points.is_empty()) {
        bail!("nothing to draw: no speaker has a quote with both a date (published) and a tone score");
    }
    register_font();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".quotestance-chart-")
        .suffix(&format!(".{ext}"))
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?
        .into_temp_path();
    if ext == "svg" {
        let root = SVGBackend::new(&temp, SIZE).into_drawing_area();
        plot(&root, series, title)?;
        root.present().map_err(|e| anyhow!("cannot write the chart: {e}"))?;
    } else {
        let root = BitMapBackend::new(&temp, SIZE).into_drawing_area();
        plot(&root, series, title)?;
        root.present().map_err(|e| anyhow!("cannot write the chart: {e}"))?;
    }
    temp.persist(path).with_context(|| format!("cannot move the chart to {}", path.display()))?;
    // Temporary files are private (0600); a picture is for sharing.
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    }
    Ok(())
}

fn plot<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, series: &[MonthlySeries], title: &str) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("cannot draw the chart: {e}");
    root.fill(&WHITE).map_err(err)?;
    let months: Vec<i32> = series.iter().flat_map(|(_, _, p)| p.iter().filter_map(|(m, _, _)| month_index(m))).collect();
    let (lo, hi) = (months.iter().min().copied().unwrap_or(0), months.iter().max().copied().unwrap_or(0));
    // Half a month of margin each side, so the end points and their labels are inside.
    let x_range = (lo as f64 - 0.5)..(hi as f64 + 0.5);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(42)
        .y_label_area_size(56)
        .build_cartesian_2d(x_range.clone(), -1.0f64..1.0f64)
        .map_err(err)?;
    let span = (hi - lo + 1) as usize;
    let label = |x: &f64| {
        let m = x.round() as i32;
        if (x - m as f64).abs() < 1e-6 { month_label(m) } else { String::new() }
    };
    chart
        .configure_mesh()
        .x_labels(span.clamp(2, 12) + 1)
        .x_label_formatter(&label)
        .y_labels(9)
        .y_desc("mean tone score (monthly)")
        .x_desc("month of publication; labels: number of quotes")
        .label_style(("sans-serif", 14))
        .disable_x_mesh()
        .draw()
        .map_err(err)?;
    // The neutral band and the zero line.
    chart
        .draw_series(std::iter::once(Rectangle::new([(x_range.start, -0.05), (x_range.end, 0.05)], RGBColor(235, 235, 235).filled())))
        .map_err(err)?;
    chart.draw_series(LineSeries::new([(x_range.start, 0.0), (x_range.end, 0.0)], BLACK.stroke_width(1))).map_err(err)?;

    for (i, (_, name, points)) in series.iter().enumerate() {
        let color = COLOURS[i % COLOURS.len()].to_rgba();
        let xy: Vec<(f64, f64, usize)> = points.iter().filter_map(|(m, mean, n)| Some((month_index(m)? as f64, *mean, *n))).collect();
        chart
            .draw_series(LineSeries::new(xy.iter().map(|&(x, y, _)| (x, y)), color.stroke_width(2)))
            .map_err(err)?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        chart.draw_series(xy.iter().map(|&(x, y, _)| Circle::new((x, y), 4, color.filled()))).map_err(err)?;
        chart
            .draw_series(xy.iter().map(|&(x, y, n)| EmptyElement::at((x, y)) + Text::new(format!("{n}"), (6, -18), ("sans-serif", 13).into_font().color(&color))))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_from_year_zero() {
        assert_eq!(month_index("2021-07").map(month_label).as_deref(), Some("2021-07"));
        assert_eq!(month_index("2021-12").unwrap() + 1, month_index("2022-01").unwrap());
    }
}
