"""What the system under xlgen says, in the run's language: an OS error's meaning (its errno),
LibreOffice and poppler when they cannot do the job, and a path of the wrong kind."""

from __future__ import annotations

from xlgen.errors import Catalogue
from xlgen.lang import Text


class SystemCode(Catalogue):
    # an OSError's errno, for someone writing or reading a file (oserrors.REASONS)
    EXCEL_HOLDS = Text("文件正被其他程序（如 Excel 或 WPS）打开；请关闭后重试",
                       "the file is open in another program (Excel or WPS?); close it and try again")
    ACCESS = Text("没有权限（文件夹只读或属于他人）", "permission denied (the folder is read-only or someone else's)")
    NOT_PERMITTED = Text("操作不被允许", "operation not permitted")
    READ_ONLY = Text("所在的文件系统是只读的（如光盘或只读挂载的共享）", "the file system is read-only (a CD or a share mounted read-only)")
    NOT_A_FOLDER = Text("路径中的某一级是文件而不是文件夹", "a part of the path is a file, not a folder")
    A_FOLDER = Text("这是一个文件夹，不是文件", "it is a folder, not a file")
    DISK_FULL = Text("磁盘空间不足", "no space left on the disk")
    QUOTA = Text("超出磁盘配额", "disk quota exceeded")
    NAME_TOO_LONG = Text("文件名或路径过长", "the file name or path is too long")
    EXISTS = Text("同名文件已存在", "a file of that name already exists")
    NO_SUCH = Text("文件或文件夹不存在", "no such file or folder")
    BUSY = Text("文件正被占用", "the file is busy")
    IO = Text("磁盘读写出错", "input/output error on the disk")
    TOO_MANY_OPEN = Text("同时打开的文件过多", "too many open files")
    LINK_LOOP = Text("符号链接循环", "too many levels of symbolic links")
    ACROSS_DISKS = Text("不能跨磁盘移动", "cannot move across disks")
    BAD_NAME = Text("文件名无效", "invalid file name")
    NOT_EMPTY = Text("文件夹不是空的", "the folder is not empty")
    PORT_IN_USE = Text("端口已被其他程序占用（可用 --port 另选）", "the port is in use by another program (choose one with --port)")
    NOT_THIS_MACHINE = Text("这个地址不属于本机", "the address is not this machine's")
    SYSTEM_ERROR = Text("系统错误（{errno}：{said}）", "system error ({errno}: {said})")
    # a path of the wrong kind
    IS_A_FOLDER = Text("它是一个文件夹", "it is a folder")
    IS_A_FILE = Text("它是一个文件，而 --output 应为文件夹", "it is a file; --output names a folder")
    IS_A_FILE_FOR_A_FOLDER = Text("它是一个文件，而输入是文件夹时 --output 应为文件夹",
                                  "it is a file; for a folder --output names a folder")
    SAME_FORM = Text("两份表是同一部门、同一年度的", "two forms give the same department and year")
    # LibreOffice and poppler
    NO_LIBREOFFICE = Text("未安装 LibreOffice：请从 https://zh-cn.libreoffice.org 下载安装 {system} 版，"
                          "并确认 soffice 所在文件夹已加入 PATH",
                          "LibreOffice is not installed: download it for {system} from https://www.libreoffice.org "
                          "and make sure the folder of soffice is on the PATH")
    NO_LIBREOFFICE_PACKAGE = Text("未安装 LibreOffice：请用系统的软件包管理器安装（Debian/Ubuntu：apt-get install "
                                  "libreoffice-calc-nogui fonts-wqy-microhei）",
                                  "LibreOffice is not installed: install it with the system's package manager "
                                  "(Debian/Ubuntu: apt-get install libreoffice-calc-nogui fonts-wqy-microhei)")
    LIBREOFFICE_WROTE_NOTHING = Text("LibreOffice 未能生成 {ext} 文件：{missing}（退出码 {exit}：{said}）",
                                     "LibreOffice wrote no {ext} for: {missing} (exit {exit}: {said})")
    LIBREOFFICE_TIMEOUT = Text("LibreOffice 在 {seconds:g} 秒内未完成，已终止",
                               "LibreOffice did not finish within {seconds:g} s and was stopped")
    NO_PDFTOPPM = Text("未安装 pdftoppm（poppler）：请输出 .pdf，或安装 poppler 后再输出 PNG 预览"
                       "（Debian/Ubuntu：apt-get install poppler-utils）",
                       "pdftoppm (poppler) is not installed: render a .pdf, or install poppler for PNG previews "
                       "(Debian/Ubuntu: apt-get install poppler-utils)")
    PDFTOPPM_FAILED = Text("pdftoppm 无法渲染 {file}：{said}", "pdftoppm could not render {file}: {said}")
