// The workbench's one script: follows a background job (progress, then the page again) and lets
// files be dropped onto an upload form. No framework, no build step.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("section.job[data-state='running']");
  if (box) {
    const bar = document.getElementById("job-progress");
    const text = document.getElementById("job-text");
    const poll = () => {
      fetch("/jobs/" + encodeURIComponent(box.dataset.job), {headers: {"Accept": "application/json"}})
        .then((r) => r.json())
        .then((job) => {
          if (job.state !== "running") { window.location.replace(job.next || window.location.href); return; }
          if (job.total) { bar.max = job.total; bar.value = job.done; }
          text.textContent = (job.waiting ? box.dataset.waiting : box.dataset.working) +
            (job.total ? " " + job.done + " / " + job.total : "");
          window.setTimeout(poll, 400);
        })
        .catch(() => window.setTimeout(poll, 1500));
    };
    window.setTimeout(poll, 200);
  }
  for (const form of document.querySelectorAll("form.drop")) {
    const input = form.querySelector("input[type=file]");
    form.addEventListener("dragover", (e) => { e.preventDefault(); form.classList.add("over"); });
    form.addEventListener("dragleave", () => form.classList.remove("over"));
    form.addEventListener("drop", (e) => {
      e.preventDefault();
      form.classList.remove("over");
      input.files = e.dataTransfer.files;
    });
  }
});
