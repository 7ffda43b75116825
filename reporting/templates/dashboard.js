// The KPI dashboard's script (reporting/dashboard.py embeds it and the data in the page).
// It only picks the rows of the chosen year, region and month from the embedded
// data and draws them: every figure was computed in SQL from the marts.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("kpi-data").textContent);
  const MONTHS_TH = ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."];

  function rows(name) {
    const table = DATA[name];
    return table.rows.map((values) => Object.fromEntries(table.columns.map((c, i) => [c, values[i]])));
  }
  const REGIONS = rows("regions");
  const PROGRAMMES = rows("programmes");
  const PROVINCE_NAMES = Object.fromEntries(rows("provinces").map((p) => [p.province_code, p.name_th]));
  const regionName = (no) => (REGIONS.find((r) => r.region_no === no) || { name_th: "ภาค " + no }).name_th;

  function esc(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function num(value, digits) {
    if (value === null || value === undefined) return "–";
    return Number(value).toLocaleString("en-US", { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }
  function cell(value, kpi, digits, style) {
    return `<td class="n"${style ? ` style="${style}"` : ""} data-kpi="${esc(kpi)}">${num(value, digits)}</td>`;
  }
  const digitsOf = (indicator) => (/_mb$/.test(indicator) ? 2 : 0);
  function fiscalMonth(period) {
    const month = Number(period.slice(5, 7));
    return month >= 10 ? month - 9 : month + 3;
  }
  function heading(th, en) {
    return `<h2>${th} <span class="en">${en}</span></h2>`;
  }
  function table(id, head, body) {
    if (!body.length) return `<p>ไม่มีข้อมูล / no data</p>`;
    return `<button class="csv" data-table="${id}">ดาวน์โหลด CSV / download CSV</button>` +
      `<table id="${id}"><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr>${body.join("")}</table>`;
  }

  // The choice, kept in the address so that a view can be linked and reloaded.
  function chosen() {
    const params = new URLSearchParams(location.hash.slice(1));
    const year = Number(params.get("year"));
    const region = params.get("region");
    const months = [...new Set(rows("factories").map((r) => r.period))].sort().reverse();
    return {
      year: DATA.years.includes(year) ? year : DATA.years[0],
      region: region !== null && region !== "" && REGIONS.some((r) => String(r.region_no) === region) ? Number(region) : null,
      indicator: DATA.indicators[params.get("indicator")] ? params.get("indicator") : "entrepreneurs",
      month: months.includes(params.get("month")) ? params.get("month") : months[0] || null,
      months: months,
    };
  }
  function choose(key, value) {
    const params = new URLSearchParams(location.hash.slice(1));
    params.set(key, value);
    location.hash = params.toString();
  }
  function options(select, values, current) {
    select.innerHTML = values.map(([value, label]) => `<option value="${esc(value)}"${String(value) === String(current) ? " selected" : ""}>${esc(label)}</option>`).join("");
  }

  function national(c) {
    const cards = rows("national").filter((r) => r.fiscal_year === c.year).map((r) => {
      const d = digitsOf(r.indicator);
      return `<div class="card"><div class="t">${esc(DATA.indicators[r.indicator] || r.indicator)}</div>` +
        `<div class="v" data-kpi="national/${esc(r.indicator)}/actual">${num(r.actual, d)}</div>` +
        `<div class="t">เป้าหมาย / target <span data-kpi="national/${esc(r.indicator)}/target">${num(r.target, d)}</span> · ` +
        `<span data-kpi="national/${esc(r.indicator)}/achievement_pct">${num(r.achievement_pct, 1)}</span> %</div></div>`;
    });
    return heading("ภาพรวมทั้งประเทศ ปีงบประมาณ " + c.year, "national, fiscal year " + c.year) +
      (cards.length ? `<div class="cards">${cards.join("")}</div>` : "<p>ไม่มีข้อมูล / no data</p>");
  }

  function region(c) {
    if (c.region === null) return "";
    const cards = rows("region_totals").filter((r) => r.fiscal_year === c.year && r.region_no === c.region).map((r) => {
      const d = digitsOf(r.indicator);
      return `<div class="card"><div class="t">${esc(DATA.indicators[r.indicator] || r.indicator)}</div>` +
        `<div class="v" data-kpi="region/${c.region}/${esc(r.indicator)}/actual">${num(r.actual, d)}</div>` +
        `<div class="t">เป้าหมาย / target <span data-kpi="region/${c.region}/${esc(r.indicator)}/target">${num(r.target, d)}</span></div></div>`;
    });
    return heading(esc(regionName(c.region)) + " ปีงบประมาณ " + c.year, "region " + c.region + ", fiscal year " + c.year) +
      (cards.length ? `<div class="cards">${cards.join("")}</div>` : "<p>ไม่มีข้อมูล / no data</p>");
  }

  function heat(pct) {
    if (pct === null || pct === undefined) return "#f8fafc";
    return pct >= 100 ? "#c6f6d5" : pct >= 50 ? "#fefcbf" : "#fed7d7";
  }
  function achievement(c) {
    const shown = rows("achievement").filter((r) => r.fiscal_year === c.year && r.indicator === c.indicator && (c.region === null || r.region_no === c.region));
    const programmes = [...new Set(shown.map((r) => r.program_code))].sort();
    const regions = [...new Set(shown.map((r) => r.region_no))].sort((a, b) => a - b);
    const body = regions.map((no) => {
      const cells = programmes.map((p) => {
        const r = shown.find((x) => x.region_no === no && x.program_code === p);
        const pct = r ? r.achievement_pct : null;
        return cell(pct, `achievement/${no}/${p}`, 1, "background:" + heat(pct));
      });
      return `<tr><th>${esc(regionName(no))}</th>${cells.join("")}</tr>`;
    });
    const label = esc(DATA.indicators[c.indicator]);
    return heading(`ผลสำเร็จเทียบเป้าหมาย (${label}, %) รายภาคและโครงการ`, `achievement % of target, ${esc(c.indicator)}, by region and programme`) +
      table("table-achievement", ["ภาค / region", ...programmes.map(esc)], body);
  }

  function bars(items, colour) {
    // items: [label, value, kpi]; horizontal bars in inline SVG
    const top = Math.max(0, ...items.map((i) => i[1] || 0)) || 1;
    const parts = items.map(([label, value, kpi], i) => {
      const y = 5 + 22 * i, length = value ? Math.max(1, Math.round((420 * value) / top)) : 0;
      return `<text x="0" y="${y + 14}">${esc(label)}</text><rect x="220" y="${y}" width="${length}" height="16" fill="${colour}"/>` +
        `<text x="${225 + length}" y="${y + 13}" data-kpi="${esc(kpi)}">${num(value, 2)}</text>`;
    });
    return `<svg width="750" height="${22 * items.length + 10}" font-size="12">${parts.join("")}</svg>`;
  }
  function budget(c) {
    const shown = rows("budget").filter((r) => r.fiscal_year === c.year && (c.region === null || r.region_no === c.region));
    const body = shown.map((r) => {
      const k = `budget/${r.region_no}/${r.program_code}`;
      return `<tr><td>${esc(regionName(r.region_no))}</td><td>${esc(r.program_code)}</td>` +
        cell(r.budget_allocated_mb, k + "/allocated", 2) + cell(r.budget_disbursed_mb, k + "/disbursed", 2) +
        cell(r.disbursement_pct, k + "/disbursement_pct", 1) + cell(r.economic_value_mb, k + "/economic_value", 2) +
        cell(r.value_per_baht, k + "/value_per_baht", 2) + "</tr>";
    });
    const byRegion = rows("budget_by_region").filter((r) => r.fiscal_year === c.year && (c.region === null || r.region_no === c.region));
    const chart = byRegion.length
      ? `<div class="en">เบิกจ่าย / disbursed (ล้านบาท)</div>` +
        bars(byRegion.map((r) => [regionName(r.region_no), r.budget_disbursed_mb, `budget-chart/${r.region_no}/disbursed`]), "#2b6cb0") +
        `<div class="en">มูลค่าทางเศรษฐกิจ / economic value (ล้านบาท)</div>` +
        bars(byRegion.map((r) => [regionName(r.region_no), r.economic_value_mb, `budget-chart/${r.region_no}/economic_value`]), "#2f855a")
      : "";
    return heading("งบประมาณเทียบมูลค่าทางเศรษฐกิจ", "budget against economic value, million baht") + chart +
      table("table-budget", ["ภาค / region", "โครงการ / programme", "จัดสรร / allocated", "เบิกจ่าย / disbursed",
        "ร้อยละเบิกจ่าย / disbursed %", "มูลค่าทางเศรษฐกิจ / economic value", "มูลค่าต่อบาท / value per baht"], body);
  }

  function trend(c) {
    const of = (year) => rows("monthly").filter((r) => r.fiscal_year === year && r.region_no === c.region);
    const current = of(c.year), previous = of(c.year - 1);
    if (!current.length && !previous.length) return heading("แนวโน้มรายเดือน", "monthly trend") + "<p>ไม่มีข้อมูล / no data</p>";
    const width = 760, height = 240, left = 60, bottom = 30;
    const top = Math.max(1, ...current.concat(previous).map((r) => r.entrepreneurs));
    const x = (period) => left + ((fiscalMonth(period) - 1) * (width - left - 20)) / 11;
    const y = (v) => height - bottom - ((height - bottom - 20) * v) / top;
    function line(series, colour, kpi) {
      if (!series.length) return "";
      const points = series.map((r) => `${x(r.period).toFixed(1)},${y(r.entrepreneurs).toFixed(1)}`).join(" ");
      return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>` + series.map((r) =>
        `<circle cx="${x(r.period).toFixed(1)}" cy="${y(r.entrepreneurs).toFixed(1)}" r="3" fill="${colour}"/>` +
        `<text x="${x(r.period).toFixed(1)}" y="${(y(r.entrepreneurs) - 6).toFixed(1)}" text-anchor="middle" fill="${colour}" data-kpi="${kpi}/${r.period}/entrepreneurs">${num(r.entrepreneurs)}</text>`).join("");
    }
    const axis = MONTHS_TH.map((m, i) => `<text x="${(left + (i * (width - left - 20)) / 11).toFixed(1)}" y="${height - 10}" text-anchor="middle">${m}</text>`).join("");
    const svg = `<svg width="${width}" height="${height}" font-size="11"><line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" stroke="#9aa5b1"/>` +
      axis + line(previous, "#9aa5b1", "monthly-previous") + line(current, "#c05621", "monthly") + "</svg>";
    const body = MONTHS_TH.map((m, i) => {
      const now = current.find((r) => fiscalMonth(r.period) === i + 1), before = previous.find((r) => fiscalMonth(r.period) === i + 1);
      if (!now && !before) return "";
      const k = (r, field) => (r ? `monthly-table/${r.period}/${field}` : "");
      return `<tr><td>${m}</td>` +
        cell(now ? now.entrepreneurs : null, k(now, "entrepreneurs")) + cell(now ? now.economic_value_mb : null, k(now, "economic_value_mb"), 2) +
        cell(before ? before.entrepreneurs : null, k(before, "entrepreneurs")) + cell(before ? before.economic_value_mb : null, k(before, "economic_value_mb"), 2) + "</tr>";
    }).filter(Boolean);
    const where = c.region === null ? "ทั้งประเทศ / national" : esc(regionName(c.region));
    return heading(`แนวโน้มรายเดือน: ผู้ประกอบการที่ได้รับการพัฒนา ปีงบประมาณ ${c.year} เทียบ ${c.year - 1} (${where})`,
      `monthly trend: entrepreneurs developed, FY${c.year} (orange) against FY${c.year - 1} (grey)`) + svg +
      table("table-trend", ["เดือน / month", `ผู้ประกอบการ ${c.year}`, `มูลค่าทางเศรษฐกิจ ${c.year} (ล้านบาท)`,
        `ผู้ประกอบการ ${c.year - 1}`, `มูลค่าทางเศรษฐกิจ ${c.year - 1} (ล้านบาท)`], body);
  }

  function provinces(c) {
    if (c.region === null) return "";
    const indicators = Object.keys(DATA.indicators);
    const body = rows("province_results").filter((r) => r.fiscal_year === c.year && r.region_no === c.region).map((r) =>
      `<tr><td>${esc(PROVINCE_NAMES[r.province_code] || r.province_code)} (${esc(r.province_code)})</td>` +
      indicators.map((i) => cell(r[i], `provinces/${r.province_code}/${i}`, digitsOf(i))).join("") + "</tr>");
    return heading(`จังหวัดใน${esc(regionName(c.region))} ปีงบประมาณ ${c.year}`, "the region's provinces: results of the year") +
      table("table-provinces", ["จังหวัด / province", ...indicators.map((i) => esc(DATA.indicators[i]))], body);
  }

  function submitters(c) {
    if (c.region === null) return "";
    const body = rows("submitters").filter((r) => r.fiscal_year === c.year && r.region_no === c.region).map((r) =>
      `<tr><td>${esc(r.submitter)}</td>` + cell(r.on_time, `submitters/${r.submitter}/on_time`) +
      cell(r.late, `submitters/${r.submitter}/late`) + cell(r.missing, `submitters/${r.submitter}/missing`) + "</tr>");
    return heading(`หน่วยงานผู้ส่งรายงานใน${esc(regionName(c.region))} ปีงบประมาณ ${c.year}`, "the region's submitters: monthly results on time, late, missing") +
      table("table-submitters", ["ผู้ส่ง / submitter", "ตรงเวลา (เดือน) / on time", "ช้า / late", "ยังไม่ส่ง / missing"], body);
  }

  function factories(c) {
    let shown = rows("factories").filter((r) => r.period === c.month && (c.region === null || r.region_no === c.region));
    if (c.region === null) shown = shown.slice(0, DATA.top_provinces);
    const locations = Object.keys(DATA.locations);
    const body = shown.map((r) =>
      `<tr><td>${esc(PROVINCE_NAMES[r.province_code] || r.province_code)} (${esc(r.province_code)})</td>` +
      locations.map((l) => cell(r[l] || 0, `factories/${r.province_code}/${l}`)).join("") + cell(r.total, `factories/${r.province_code}/total`) + "</tr>");
    const which = c.region === null ? `the ${DATA.top_provinces} largest` : "the region's provinces";
    return heading(`โรงงานรายจังหวัด เดือน ${esc(c.month || "–")}`, `factories by province, ${which}`) +
      table("table-factories", ["จังหวัด / province", ...locations.map((l) => `${DATA.locations[l]}<div class="en">${l}</div>`), "รวม / total"], body);
  }

  function csvOf(tableElement) {
    const quote = (text) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    return "\ufeff" + [...tableElement.rows].map((row) => [...row.cells].map((c) => quote(c.innerText.replace(/\s+/g, " ").trim())).join(",")).join("\r\n") + "\r\n";
  }
  function download(id) {
    const c = chosen();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csvOf(document.getElementById(id))], { type: "text/csv;charset=utf-8" }));
    link.download = `${id.replace("table-", "")}-${c.year}${c.region === null ? "" : "-region" + c.region}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  window.kpiCsv = (id) => csvOf(document.getElementById(id));

  function render() {
    const c = chosen();
    document.getElementById("title-year").textContent = "ปีงบประมาณ " + c.year;
    options(document.getElementById("choose-year"), DATA.years.map((y) => [y, "พ.ศ. " + y]), c.year);
    options(document.getElementById("choose-region"), [["", "ทุกภาค / all regions"], ...REGIONS.map((r) => [r.region_no, r.name_th])], c.region === null ? "" : c.region);
    options(document.getElementById("choose-indicator"), Object.entries(DATA.indicators), c.indicator);
    options(document.getElementById("choose-month"), c.months.map((m) => [m, m]), c.month);
    const sections = { national, region, achievement, budget, trend, provinces, submitters, factories };
    for (const [id, draw] of Object.entries(sections)) document.getElementById(id).innerHTML = draw(c);
    document.body.dataset.shown = JSON.stringify({ year: c.year, region: c.region, month: c.month });
  }

  document.getElementById("choose-year").addEventListener("change", (e) => choose("year", e.target.value));
  document.getElementById("choose-region").addEventListener("change", (e) => choose("region", e.target.value));
  document.getElementById("choose-indicator").addEventListener("change", (e) => choose("indicator", e.target.value));
  document.getElementById("choose-month").addEventListener("change", (e) => choose("month", e.target.value));
  document.addEventListener("click", (e) => {
    if (e.target.matches("button.csv")) download(e.target.dataset.table);
  });
  window.addEventListener("hashchange", render);
  render();
})();
