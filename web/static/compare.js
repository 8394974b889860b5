// The compare form: choosing an agency narrows the year list to that agency's reports.
// Without this script the year list still offers every report, grouped by agency.
for (const agency of document.querySelectorAll("select[data-reports-for]")) {
  const reports = document.getElementById(agency.dataset.reportsFor);
  const narrow = () => {
    const key = agency.value;
    let first = null;
    for (const group of reports.querySelectorAll("optgroup")) {
      const shown = !key || group.dataset.key === key;
      group.hidden = !shown;
      group.disabled = !shown;
      if (shown && !first) first = group.querySelector("option:last-child");
    }
    const current = reports.selectedOptions[0];
    if (key && (!current || !current.parentElement.dataset || current.parentElement.dataset.key !== key)) {
      if (first) first.selected = true;
      else {
        // this agency's reports are not in the page (a large index): ask for them
        reports.value = "";
        agency.form.submit();
      }
    }
  };
  agency.addEventListener("change", narrow);
  narrow();
}
